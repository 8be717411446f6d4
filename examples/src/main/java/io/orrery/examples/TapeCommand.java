package io.orrery.examples;

import io.orrery.core.autodiff.GradientTape;
import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;
import io.orrery.core.tensor.Variable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code tape}: Keras's GradientTape examples (a square, a watched constant, a falling apple's acceleration), printing
 * their values.
 */
@Command(name = "tape", mixinStandardHelpOptions = true, description = "Run Keras's GradientTape examples and print the gradients.")
final class TapeCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        Nd4j.getRandom().setSeed(0);

        // x = tf.Variable(0.); y = 2 * x + 3; grad = tape.gradient(y, x)
        Variable x = Variable.scalar(0.0, "x");
        try (GradientTape tape = new GradientTape()) {
            Tensor y = x.mul(2).add(3);
            System.out.println("grad_of_y_wrt_x = " + tape.gradient(y, x).item());
        }

        // a (2, 2) variable
        Variable x2 = new Variable(Nd4j.rand(DataType.FLOAT, 2, 2), "x", true);
        try (GradientTape tape = new GradientTape()) {
            Tensor y = x2.mul(2).add(3);
            System.out.println("grad_of_y_wrt_x (2, 2) =\n" + tape.gradient(y, x2).array());
        }

        // y = matmul(x, W) + b, gradient with respect to [W, b]
        Variable w = new Variable(Nd4j.rand(DataType.FLOAT, 2, 2), "W", true);
        Variable b = new Variable(Nd4j.zeros(DataType.FLOAT, 2), "b", true);
        Tensor input = Tensor.of(Nd4j.rand(DataType.FLOAT, 2, 2));
        try (GradientTape tape = new GradientTape()) {
            Tensor y = Ops.matmul(input, w).add(b);
            List<Tensor> grads = tape.gradient(y, List.of(w, b));
            System.out.println("grad_of_y_wrt_W =\n" + grads.get(0).array());
            System.out.println("grad_of_y_wrt_b = " + grads.get(1).array());
        }

        // input_var = tf.Variable(3.); result = tf.square(input_var)
        Variable inputVar = Variable.scalar(3.0, "input_var");
        try (GradientTape tape = new GradientTape()) {
            Tensor result = Ops.square(inputVar);
            System.out.println("gradient of square at 3 = " + tape.gradient(result, inputVar).item());
        }

        // a constant needs tape.watch
        Tensor inputConst = Tensor.scalar(3.0);
        try (GradientTape tape = new GradientTape()) {
            tape.watch(inputConst);
            Tensor result = Ops.square(inputConst);
            System.out.println("gradient of square of watched constant at 3 = " + tape.gradient(result, inputConst).item());
        }

        // the falling apple: position = 4.9 * time^2; speed = d/dt; acceleration = d2/dt2
        Variable time = Variable.scalar(0.0, "time");
        Tensor speed;
        Tensor acceleration;
        try (GradientTape outer = new GradientTape()) {
            try (GradientTape inner = new GradientTape()) {
                Tensor position = time.square().mul(4.9);
                speed = inner.gradient(position, time);
            }
            acceleration = outer.gradient(speed, time);
        }
        System.out.println("speed = " + speed.item());
        System.out.println("acceleration = " + acceleration.item());

        // v = tf.Variable(...); v.assign; v[0, 0].assign(3.); v.assign_add
        Variable v = new Variable(Nd4j.randn(DataType.FLOAT, 3, 1), "v", true);
        v.assign(Nd4j.ones(DataType.FLOAT, 3, 1));
        v.at(0, 0).assign(3.0);
        v.assignAdd(Tensor.of(Nd4j.ones(DataType.FLOAT, 3, 1)));
        System.out.println("v after assign, v[0, 0].assign(3.) and assign_add(ones) =\n" + v.array());
        return 0;
    }
}
