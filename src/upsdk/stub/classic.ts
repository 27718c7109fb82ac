/**
 * The stub as a classic script, in place of upsdk.js for pages that load it with a `<script>` tag
 * (bench/ready.ts builds it for the naive page and upkit's production build alike): it installs
 * the two-layer stub the moment it runs, and throws without Zepto first, like the real script.
 */
import { installUpsdkStub } from '.'

installUpsdkStub()
