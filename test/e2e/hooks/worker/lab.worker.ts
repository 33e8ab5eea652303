// The end-to-end build's trainer worker (page/trainer-worker.ts starts it): the product's trainer API
// (src/worker/trainer.ts) and two failure hooks, which the tests call through window.__labTest.
import * as Comlink from 'comlink';
import { tf } from '../../../../src/model/tf';
import { api } from '../../../../src/worker/trainer';
import { armNanLoss } from './sft';

const hooks = {
  /** Destroy the WebGPU device as a driver reset would; the trainer's own device-loss handling takes over. False off WebGPU. */
  simulateDeviceLoss(): boolean {
    if (tf.getBackend() !== 'webgpu') return false;
    const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
    device?.destroy();
    return device !== undefined;
  },
  /** The next SFT or CPT step of the training run diverges to a NaN loss (sft.ts); false when no run trains. */
  simulateNanLoss(): boolean {
    if (api.current() === null) return false;
    armNanLoss();
    return true;
  },
};

export type LabTestHooks = typeof hooks;

Comlink.expose({ ...api, ...hooks });
