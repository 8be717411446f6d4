// Reference outputs and gradients from Keras's layers as TensorFlow.js implements them (same names, defaults,
// weight layouts and equations), for RecurrentKerasReferenceTest. Regenerate with:
//   npm install @tensorflow/tfjs@4.22.0            (in any scratch folder; runs offline in Node 20)
//   NODE_PATH=<that folder>/node_modules node make-recurrent-fixture.cjs recurrent.json
// Inputs and weights come from a fixed linear congruential sequence, so the fixture is the same on every run.
// Each case holds the layer config, the input, the weights in Keras's order (row-major, with shapes), the output,
// and the gradients of sum(output * r) with respect to the input and each trainable weight.
// TensorFlow.js's GRU has only reset_after=false; the reset_after=true GRU (Keras 2's default) is checked against
// PyTorch instead (make-gru-reset-after-fixture.py).
const tf = require('@tensorflow/tfjs');

let seed = 12345;
function next() {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648 * 2 - 1; // [-1, 1)
}
function values(shape, scale = 1) {
  const n = shape.reduce((a, b) => a * b, 1);
  return Array.from({length: n}, () => next() * scale);
}
const flat = t => Array.from(t.dataSync());

function makeCase(name, layer, inputShape, training, scale) {
  const x = tf.tensor(values(inputShape), inputShape);
  layer.apply(x, {training}); // builds the layer
  // replace Keras's initial values (zero biases, unit gammas) so that every weight matters
  const weights = layer.getWeights().map(w => tf.tensor(values(w.shape, scale), w.shape));
  if (name.startsWith('batch_norm')) {
    // moving variance must stay positive
    const k = weights.length - 1;
    weights[k] = tf.tensor(values(weights[k].shape).map(v => 1 + 0.5 * v), weights[k].shape);
  }
  layer.setWeights(weights);
  const out = layer.apply(x, {training});
  const r = tf.tensor(values(out.shape), out.shape);
  const objective = (input) => tf.sum(tf.mul(layer.apply(input, {training}), r));
  const inputGrad = tf.grad(objective)(x);
  const {grads} = tf.variableGrads(() => objective(x), layer.trainableWeights.map(w => w.val));
  const weightGrads = layer.trainableWeights.map(w => ({name: w.originalName, shape: w.shape, values: flat(grads[w.val.name])}));
  return {
    name, training, config: layer.getConfig(),
    input: {shape: inputShape, values: flat(x)},
    weights: layer.weights.map((w, i) => ({name: w.originalName, shape: w.shape, values: flat(weights[i])})),
    output: {shape: out.shape, values: flat(out)},
    r: {shape: r.shape, values: flat(r)},
    input_gradient: {shape: inputGrad.shape, values: flat(inputGrad)},
    weight_gradients: weightGrads,
  };
}

tf.setBackend('cpu').then(() => {
  const cases = [];
  for (const returnSequences of [false, true]) {
    cases.push(makeCase('lstm_return_sequences_' + returnSequences,
        tf.layers.lstm({units: 4, returnSequences, recurrentActivation: 'sigmoid'}), [2, 5, 3], true, 0.5));
    cases.push(makeCase('gru_reset_before_return_sequences_' + returnSequences,
        tf.layers.gru({units: 4, returnSequences, recurrentActivation: 'sigmoid', resetAfter: false}), [2, 5, 3], true, 0.5));
  }
  for (const training of [true, false]) {
    cases.push(makeCase('batch_norm_training_' + training, tf.layers.batchNormalization({}), [4, 3], training, 1));
    cases.push(makeCase('batch_norm_images_training_' + training, tf.layers.batchNormalization({}), [2, 3, 3, 2], training, 1));
  }
  require('fs').writeFileSync(process.argv[2],
      JSON.stringify({generator: 'tfjs ' + tf.version.tfjs + ' backend ' + tf.getBackend(), cases}) + '\n');
});
