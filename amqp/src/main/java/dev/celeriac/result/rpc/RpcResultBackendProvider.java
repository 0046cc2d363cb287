package dev.celeriac.result.rpc;

import dev.celeriac.result.ResultBackend;
import dev.celeriac.result.ResultBackendProvider;
import dev.celeriac.result.ResultSettings;
import java.util.Set;

/** Registers the {@code rpc://} result backend ({@link RpcResultBackend#PROVIDER}) in {@code META-INF/services}. */
public final class RpcResultBackendProvider implements ResultBackendProvider {

  /** For {@link java.util.ServiceLoader}. */
  public RpcResultBackendProvider() {}

  @Override
  public Set<String> schemes() {
    return RpcResultBackend.PROVIDER.schemes();
  }

  @Override
  public ResultBackend open(String url, ResultSettings settings) {
    return RpcResultBackend.PROVIDER.open(url, settings);
  }
}
