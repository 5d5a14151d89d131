package dev.jmoe.host.bench;

import dev.jmoe.host.engine.EngineOptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The output formats against hand-written text for a fixed result set (1.20 GiB = 1288490188 bytes). */
class BenchOutputTest {
    private static final ModelInfo MODEL = new ModelInfo("m.gguf", "qwen3moe 1.2B Q8_0", 1288490188L, 1_234_567_890L);
    private static final EngineOptions OPTIONS = EngineOptions.defaults(2);

    /** pp512 at 100, 110, 120 t/s: mean 110, sd 10. */
    private static final BenchResult PP = new BenchResult(MODEL, "CPU", OPTIONS, BenchTest.prompt(512, 0),
            new double[] {100, 110, 120}, Optional.empty());
    /** tg128 at 128 and 64 t/s: 1 s and 2 s; mean 96, sd sqrt(2 * 32^2) = 45.25. */
    private static final BenchResult TG = new BenchResult(MODEL, "CPU", OPTIONS, BenchTest.generation(128, 0),
            new double[] {128, 64}, Optional.empty());

    @Test
    void markdownInLlamaBenchLayout() {
        String expected = """
                | model                          |       size |     params | backend    | threads |            test |                  t/s |
                | ------------------------------ | ---------: | ---------: | ---------- | ------: | --------------: | -------------------: |
                | qwen3moe 1.2B Q8_0             |   1.20 GiB |     1.23 B | CPU        |       2 |           pp512 |       110.00 ± 10.00 |
                | qwen3moe 1.2B Q8_0             |   1.20 GiB |     1.23 B | CPU        |       2 |           tg128 |        96.00 ± 45.25 |
                """;
        assertEquals(expected, BenchFormat.MD.render(List.of(PP, TG)));
    }

    @Test
    void variedFlagsAndGpuTransferGetColumns() {
        BenchResult pp = new BenchResult(MODEL, "CPU", OPTIONS, BenchTest.prompt(512, 0), new double[] {100, 110, 120},
                Optional.of(new TransferStats(12.5, 0.75)));
        BenchResult tg = new BenchResult(MODEL, "CPU", OPTIONS.withBatch(2048, 256), BenchTest.generation(128, 0), new double[] {128, 64},
                Optional.empty());
        String expected = """
                | model                          |       size |     params | backend    | threads | n_ubatch |            test |                  t/s | PCIe GB/s | pin hit % |
                | ------------------------------ | ---------: | ---------: | ---------- | ------: | -------: | --------------: | -------------------: | --------: | --------: |
                | qwen3moe 1.2B Q8_0             |   1.20 GiB |     1.23 B | CPU        |       2 |      512 |           pp512 |       110.00 ± 10.00 |     12.50 |      75.0 |
                | qwen3moe 1.2B Q8_0             |   1.20 GiB |     1.23 B | CPU        |       2 |      256 |           tg128 |        96.00 ± 45.25 |           |           |
                """;
        assertEquals(expected, BenchFormat.MD.render(List.of(pp, tg)));
    }

    private static final String TG_JSON = "{\"model\":\"qwen3moe 1.2B Q8_0\",\"model_filename\":\"m.gguf\",\"model_type\":\"qwen3moe 1.2B Q8_0\","
            + "\"model_size\":1288490188,\"model_n_params\":1234567890,\"backend\":\"CPU\",\"threads\":2,\"n_threads\":2,"
            + "\"n_batch\":2048,\"n_ubatch\":512,\"type_k\":\"f16\",\"type_v\":\"f16\",\"use_mmap\":true,\"use_mlock\":false,"
            + "\"hugepages\":\"off\",\"numa\":\"off\",\"n_gpu_layers\":\"auto\",\"offload_batch_size\":\"32\",\"expert_pin\":\"auto\",\"test\":\"tg128\",\"n_prompt\":0,\"n_gen\":128,\"n_depth\":0,"
            + "\"avg_ns\":1500000000,\"stddev_ns\":707106781,\"avg_ts\":96.0,\"stddev_ts\":45.254833995939045,"
            + "\"samples_ns\":[1000000000,2000000000],\"samples_ts\":[128.0,64.0]}";

    @Test
    void jsonIsAnArrayOfOneObjectALine() {
        assertEquals("[\n  " + TG_JSON + ",\n  " + TG_JSON + "\n]\n", BenchFormat.JSON.render(List.of(TG, TG)));
        assertEquals("[]\n", BenchFormat.JSON.render(List.of()));
    }

    @Test
    void jsonLinesIsOneObjectPerLine() {
        assertEquals(TG_JSON + "\n" + TG_JSON + "\n", BenchFormat.JSONL.render(List.of(TG, TG)));
    }

    @Test
    void csvHasAHeaderAndQuotedValues() {
        String expected = "model,model_filename,model_type,model_size,model_n_params,backend,threads,n_threads,n_batch,n_ubatch,"
                + "type_k,type_v,use_mmap,use_mlock,hugepages,numa,n_gpu_layers,offload_batch_size,expert_pin,test,n_prompt,n_gen,n_depth,avg_ns,stddev_ns,avg_ts,stddev_ts,samples_ns,samples_ts\n"
                + "\"qwen3moe 1.2B Q8_0\",\"m.gguf\",\"qwen3moe 1.2B Q8_0\",\"1288490188\",\"1234567890\",\"CPU\",\"2\",\"2\",\"2048\",\"512\","
                + "\"f16\",\"f16\",\"true\",\"false\",\"off\",\"off\",\"auto\",\"32\",\"auto\",\"tg128\",\"0\",\"128\",\"0\",\"1500000000\",\"707106781\",\"96.0\",\"45.254833995939045\","
                + "\"1000000000 2000000000\",\"128.0 64.0\"\n";
        assertEquals(expected, BenchFormat.CSV.render(List.of(TG)));
    }

    @Test
    void sizesAndParamsAsLlamaBenchPrintsThem() {
        assertEquals("885.96 MiB", BenchTable.size(929_000_000L));
        assertEquals("16.47 GiB", BenchTable.size(17_684_750_000L));
        assertEquals("494.03 M", BenchTable.params(494_032_768L));
        assertEquals("30.53 B", BenchTable.params(30_532_122_624L));
    }

    @Test
    void sweepTableInSweepBenchLayout() {
        SweepRow row = new SweepRow(512, 128, 1024, 2.0, 4.0, Optional.empty());
        String expected = """
                |    PP |     TG |   N_KV |   T_PP s | S_PP t/s |   T_TG s | S_TG t/s |
                |-------|--------|--------|----------|----------|----------|----------|
                |   512 |    128 |   1024 |    2.000 |   256.00 |    4.000 |    32.00 |
                """;
        assertEquals(expected, SweepTable.markdown(List.of(row)));
        assertEquals("{\"n_pp\":512,\"n_tg\":128,\"n_kv\":1024,\"t_pp\":2.0,\"speed_pp\":256.0,\"t_tg\":4.0,\"speed_tg\":32.0}", SweepTable.jsonLine(row));
    }
}
