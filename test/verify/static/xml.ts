import { DOMParser } from '@xmldom/xmldom';

/** The few DOM calls the report tests make (the project compiles without the DOM lib). */
export interface XmlNode {
  getAttribute(name: string): string | null;
  getElementsByTagName(name: string): ArrayLike<XmlNode>;
  readonly textContent: string | null;
  readonly parentNode: XmlNode | null;
}

/**
 * Strict XML parsing for report tests (@xmldom/xmldom comes with cdk8s-cli, a dev dependency): throws on malformed
 * XML.
 */
export function parseXml(xml: string): XmlNode {
  return new DOMParser({
    onError: (level: string, msg: string) => {
      if (level !== 'warning') throw new Error(`XML ${level}: ${msg}`);
    },
  }).parseFromString(xml, 'text/xml') as unknown as XmlNode;
}
