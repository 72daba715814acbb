export * from './effective';
export * from './schema';
