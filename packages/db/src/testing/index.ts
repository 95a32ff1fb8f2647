export * from './tcp-proxy.ts';
export * from './test-databases.ts';
