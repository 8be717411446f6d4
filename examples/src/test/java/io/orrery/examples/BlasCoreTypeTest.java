package io.orrery.examples;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BlasCoreTypeTest {

    private static final Set<String> AVX512 = Set.of("avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq",
            "avx512vl");

    @Test
    void avx512CpusGetSkylakeXKernelsAndCooperLakeWithBfloat16() {
        assertEquals(Optional.of("SKYLAKEX"), BlasCoreType.choose(Map.of(), AVX512));
        Set<String> bf16 = new java.util.HashSet<>(AVX512);
        bf16.add("avx512_bf16");
        assertEquals(Optional.of("COOPERLAKE"), BlasCoreType.choose(Map.of(), bf16));
    }

    @Test
    void aUsersOwnSettingIsKept() {
        assertEquals(Optional.empty(), BlasCoreType.choose(Map.of("OPENBLAS_CORETYPE", "Haswell"), AVX512));
        assertEquals(Optional.empty(), BlasCoreType.choose(Map.of("OPENBLAS_CORETYPE", ""), AVX512));
    }

    @Test
    void onlyAJvmStartedOnTheLauncherRelaunchesItself() {
        assertEquals(true, BlasCoreType.launchedDirectly("/x/orrery-examples.jar core-bench --model mlp"));
        assertEquals(true, BlasCoreType.launchedDirectly("io.orrery.examples.OrreryCli mnist"));
        assertEquals(false, BlasCoreType.launchedDirectly(
                "org.apache.spark.deploy.SparkSubmit --class io.orrery.examples.OrreryCli app.jar spark-train"));
        assertEquals(false, BlasCoreType.launchedDirectly(""));
    }

    @Test
    void cpusWithoutAvx512KeepOpenBlasOwnChoice() {
        assertEquals(Optional.empty(), BlasCoreType.choose(Map.of(), Set.of("avx2", "fma", "avx512f")));
        assertEquals(Optional.empty(), BlasCoreType.choose(Map.of(), Set.of()));
    }
}
