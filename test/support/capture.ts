/** Captures what the code under test writes to stdout or stderr (the CLI writes there, not to a logger). */
export function capture(stream: NodeJS.WriteStream): { text: () => string; restore: () => void } {
  const out: string[] = [];
  const spy = jest.spyOn(stream, 'write').mockImplementation((s: string | Uint8Array) => {
    out.push(String(s));
    return true;
  });
  return { text: () => out.join(''), restore: () => spy.mockRestore() };
}
