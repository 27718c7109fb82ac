/** What the login guard needs once a page asks for a session: its own chunk, so the home route does not carry it. */
export { useSessionStore } from '@/stores/session'
export { authorizeUrl } from 'upkit/vue'
