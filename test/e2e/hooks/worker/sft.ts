// The end-to-end build's src/train/sft.ts (swapped in by vite.config.ts in mode e2e): the real module, with
// an sftStep the tests can make diverge. Armed, the next step runs on weights set to NaN, as a diverged
// run's are, so its own forward pass, loss and update are NaN and the run loop meets a real NaN loss.
import { tf } from '../../../../src/model/tf';
import * as real from '../../../../src/train/sft';

export * from '../../../../src/train/sft';

let armed = false;

/** The next SFT (or CPT) step diverges; once. */
export function armNanLoss(): void {
  armed = true;
}

export function sftStep(...args: Parameters<typeof real.sftStep>): real.StepTensors {
  if (armed) {
    armed = false;
    for (const p of Object.values(args[0])) tf.tidy(() => p.assign(tf.mul(p, NaN)));
  }
  return real.sftStep(...args);
}
