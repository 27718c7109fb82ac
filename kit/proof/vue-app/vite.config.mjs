import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'

// `vite preview` forwards the kit's routes to the express server and the stub's checks to the sandbox.
export default defineConfig({
  plugins: [vue()],
  build: { target: 'es2022' },
  preview: {
    host: '127.0.0.1',
    strictPort: true,
    proxy: {
      '/api': process.env.UPKIT_API_ORIGIN ?? 'http://127.0.0.1:1',
      '/sandbox': process.env.UPKIT_SANDBOX_ORIGIN ?? 'http://127.0.0.1:1',
    },
  },
})
