export * from './codes'
export * from './aid'
export * from './plugins'
