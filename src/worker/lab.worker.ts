// The lab's trainer Web Worker: exposes the trainer's API (trainer.ts) to the page through comlink.
import * as Comlink from 'comlink';
import { api } from './trainer';

Comlink.expose(api);
