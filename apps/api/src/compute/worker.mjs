// Entry of a compute worker thread. Worker threads start without the parent's TypeScript loader
// under vitest (and may or may not inherit it under tsx), so the worker registers tsx itself and
// then loads the task module from source.
import { register } from 'tsx/esm/api';

register();
const tasks = await import('./tasks.ts');

export default tasks.default;
