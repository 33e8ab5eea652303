// The one door to TensorFlow.js: everything in src/ imports `{ tf }` from here.
// The umbrella package (not tfjs-core alone) registers the gradients, which Node tests need too.
import * as tf from '@tensorflow/tfjs';

export { tf };
export type { Tensor, Tensor1D, Tensor2D, Tensor3D, Tensor4D, Scalar, Variable } from '@tensorflow/tfjs';
