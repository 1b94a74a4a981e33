import { run } from './index';

// `cskit versions | head` closes the pipe early: that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
