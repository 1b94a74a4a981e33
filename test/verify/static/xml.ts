import { DOMParser } from '@xmldom/xmldom';

/** Strict XML parsing for report tests (@xmldom/xmldom comes with cdk8s-cli, a dev dependency): throws on malformed XML. */
export function parseXml(xml: string): Document {
  return new DOMParser({ onError: (level: string, msg: string) => { if (level !== 'warning') throw new Error(`XML ${level}: ${msg}`); } })
    .parseFromString(xml, 'text/xml') as unknown as Document;
}
