export * from './version';
export * from './dates';
export * from './data';
export * from './policy';
export * from './cve-parse';
export * from './update';
export * from './bump';
