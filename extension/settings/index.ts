export * from './effective';
export * from './schema';
export * from './sites';
