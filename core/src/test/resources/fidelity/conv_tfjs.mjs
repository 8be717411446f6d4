// Reference outputs and gradients of Keras's Conv2D and 2-D pooling layers, from TensorFlow.js's Layers API (Keras
// in JavaScript: same layer semantics, padding rule and kernel layout), for ConvKerasFidelityTest.
//   cd <dir with node_modules/@tensorflow/tfjs@4.22.0> && node conv_tfjs.mjs > conv_tfjs.json
// Inputs and weights are formulas of the c-order index, so the Java test rebuilds them without this file:
//   x[i] = sin(0.37 i + 0.1), kernel[i] = 0.3 cos(0.23 i), bias[i] = 0.1 (i + 1) - 0.2, r[i] = sin(0.11 i) + 0.5;
// the gradients are of sum(layer(x) * r).
import * as tf from '@tensorflow/tfjs';

await tf.setBackend('cpu');
const fill = (shape, f) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({length: n}, (_, i) => f(i)), shape);
};
const X = i => Math.sin(0.37 * i + 0.1);
const K = i => 0.3 * Math.cos(0.23 * i);
const B = i => 0.1 * (i + 1) - 0.2;
const R = i => Math.sin(0.11 * i) + 0.5;
const inputShape = [2, 7, 6, 3];
const cases = [
  {name: 'conv_3x3_valid_relu', layer: 'conv2d', args: {filters: 4, kernelSize: 3, activation: 'relu'}},
  {name: 'conv_3x2_stride2_same', layer: 'conv2d', args: {filters: 4, kernelSize: [3, 2], strides: 2, padding: 'same'}},
  {name: 'conv_2x2_stride2_same_even', layer: 'conv2d', args: {filters: 2, kernelSize: 2, strides: [2, 2], padding: 'same'}},
  {name: 'conv_3x3_dilation2_same_tanh', layer: 'conv2d', args: {filters: 3, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'tanh'}},
  {name: 'conv_1x1_nobias', layer: 'conv2d', args: {filters: 2, kernelSize: 1, useBias: false}},
  {name: 'maxpool_3_stride2_same', layer: 'maxPooling2d', args: {poolSize: 3, strides: 2, padding: 'same'}},
  {name: 'avgpool_3_stride2_same', layer: 'averagePooling2d', args: {poolSize: 3, strides: 2, padding: 'same'}},
  {name: 'avgpool_2_valid', layer: 'averagePooling2d', args: {poolSize: 2}},
];
const out = {};
for (const c of cases) {
  const layer = tf.layers[c.layer](c.args);
  const x = fill(inputShape, X);
  layer.apply(x);
  const weights = layer.getWeights().map((w, k) => fill(w.shape, k === 0 ? K : B));
  layer.setWeights(weights);
  const y = layer.apply(x);
  const r = fill(y.shape, R);
  const xVar = tf.variable(x);
  const vars = [xVar, ...layer.trainableWeights.map(w => w.read())];
  const result = {layer: c.layer, args: c.args, outputShape: y.shape, output: Array.from(y.dataSync()),
    inputGrad: null, weightGrads: null};
  try {
    const {grads} = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(xVar), r)), vars);
    const g = v => grads[v.name];
    result.inputGrad = Array.from(g(xVar).dataSync());
    result.weightGrads = vars.slice(1).map(v => ({shape: g(v).shape, values: Array.from(g(v).dataSync())}));
  } catch (e) {
    // tfjs 4.22 has no gradient for dilated convolutions: the fixture keeps their forward output only
    result.gradientError = String(e.message).split('\n')[0];
  }
  out[c.name] = result;
}
console.log(JSON.stringify({tfjs: '4.22.0', inputShape, cases: out}));
