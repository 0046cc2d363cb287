package dev.celeriac.cli;

import dev.celeriac.CeleriacConfig;
import picocli.CommandLine.Option;

/** {@code --result-backend URL}, for the commands that store or read results: {@code run worker}, {@code run cron}. */
final class ResultBackendOption {

  @Option(names = "--result-backend", paramLabel = "URL",
      description = "Result backend URL: redis://, rediss://, sentinel:// or memory://. Default: RESULT_BACKEND, "
          + "then result.backend in the file named by CELERIAC_CONF; none: results are not stored.")
  private String resultBackend;

  /** {@code config} with this flag's backend, when given, over the environment's and the file's. */
  CeleriacConfig apply(CeleriacConfig config) {
    return resultBackend == null || resultBackend.isBlank() ? config
        : config.toBuilder().resultBackend(resultBackend).build();
  }
}
