import { PKI_ENV, serializedSandboxAcpPki } from '../sandbox/acp/pki.ts'

/**
 * Vitest global setup: makes the sandbox 全渠道 PKI once for the whole run and hands it to the
 * worker processes, instead of each test file generating five RSA keys at start.
 */
export default function setup(): void {
  process.env[PKI_ENV] = serializedSandboxAcpPki()
}
