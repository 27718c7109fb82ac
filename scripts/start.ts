import 'dotenv/config'
import { ConfigError, loadConfig } from '../server/config.ts'
import { ensureBuild } from './build-if-needed.ts'

/**
 * `npm start`: build the H5 app if needed (one build for every mode: the server injects the
 * deploy-time settings into index.html), then run the server.
 */
try {
  loadConfig(process.env)
  ensureBuild('production')
} catch (err) {
  if (!(err instanceof ConfigError)) throw err
  // server/index.ts prints one line per problem and exits
}
await import('../server/index.ts')
