package io.orrery.ps.bench;

import io.orrery.ps.protocol.Float32Ingest;
import io.orrery.ps.protocol.GradientCodec;
import io.orrery.ps.protocol.sbe.Encoding;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Times a shard's ingest of one float32 gradient of the reference MLP (407,050 values in chunks of 2,016): the
 * check for non-finite values and the add into the accumulator, through {@link GradientCodec}'s per-value buffer
 * loops and through {@link Float32Ingest}. Not a test: run it by hand, e.g.
 * <pre>
 * mvn -q -o -pl parameter-server -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED \
 *      -cp parameter-server/target/test-classes:parameter-server/target/classes:core/target/classes:$(cat /tmp/cp.txt) \
 *      io.orrery.ps.bench.IngestBenchmark
 * </pre>
 */
public final class IngestBenchmark {

    private IngestBenchmark() {
    }

    public static void main(String[] args) {
        int n = 407_050;
        int chunk = 2016;
        UnsafeBuffer accumulator = direct(n);
        UnsafeBuffer payload = direct(chunk);
        for (int i = 0; i < chunk; i++) {
            payload.putFloat(i * 4, i * 1e-3f);
        }
        Float32Ingest fast = new Float32Ingest(chunk);
        for (int round = 0; round < 3; round++) {
            System.out.printf("generic loops: %.3f ms per gradient%n", time(() -> {
                for (int off = 0; off + chunk <= n; off += chunk) {
                    GradientCodec.check(Encoding.FLOAT32, payload, chunk, chunk);
                    GradientCodec.addInto(Encoding.FLOAT32, payload, chunk, accumulator, off * 4);
                }
            }));
            System.out.printf("Float32Ingest: %.3f ms per gradient%n", time(() -> {
                for (int off = 0; off + chunk <= n; off += chunk) {
                    fast.check(payload, chunk, chunk);
                    fast.addChecked(accumulator, off * 4);
                }
            }));
        }
    }

    private static UnsafeBuffer direct(int floats) {
        return new UnsafeBuffer(ByteBuffer.allocateDirect(floats * 4).order(ByteOrder.nativeOrder()));
    }

    /** Mean ms of the last 200 of 400 runs. */
    private static double time(Runnable gradient) {
        for (int i = 0; i < 200; i++) {
            gradient.run();
        }
        long start = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            gradient.run();
        }
        return (System.nanoTime() - start) / 200 / 1e6;
    }
}
