// The entry stays free of the framework: upsdk-boot configures upsdk right away, while the app
// (Vue, the router, the pages; preloaded by index.html) downloads beside it and starts once the
// first config is answered (1 s at the latest). The loading shell shows meanwhile.
import { firstConfigSettled } from './upsdk-boot'

void firstConfigSettled(1000)
  // nothing of the module is used: not handing on its namespace keeps Rolldown's runtime chunk off the first screen
  .then(() => import('./app').then(() => undefined))
  .catch((err: unknown) => {
    // the loading shell stays up; its slow-network line tells the user to wait or reload
    console.error('upkit: the app could not be loaded', err)
  })
