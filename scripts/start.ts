import 'dotenv/config'
import { ConfigError, loadConfig } from '../server/config.ts'
import { ensureBuild } from './build-if-needed.ts'

/** `npm start`: build the H5 app if needed (sandbox build in sandbox mode), then run the server. */
try {
  const config = loadConfig(process.env)
  ensureBuild(config.sandbox ? 'sandbox' : 'production')
} catch (err) {
  if (!(err instanceof ConfigError)) throw err
  // server/index.ts prints one line per problem and exits
}
await import('../server/index.ts')
