export * from './describe.ts';
export * from './distributions.ts';
export * from './hodgesLehmann.ts';
export * from './mannWhitney.ts';
export * from './ranks.ts';
export * from './signedRank.ts';
