// Public entry of @zendesk-lifecycle/release: helpers that do what an outside user does with our packages.
export {
  LIBRARIES,
  SERVICES,
  build,
  installOutside,
  outsideEnv,
  pack,
  packedFiles,
  readmeExample,
  repoRoot,
  run,
  startNode,
  stop,
} from './outside.js';
