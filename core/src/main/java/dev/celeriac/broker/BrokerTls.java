package dev.celeriac.broker;

import dev.celeriac.ConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS for {@code rediss://} and {@code amqps://} as kombu reads the URL: {@code ssl_ca_certs=<PEM file>}
 * trusts that CA; {@code ssl_cert_reqs=none} (or {@code CERT_NONE}) accepts any certificate, as Celery
 * allows; with neither, the JVM's default trust store decides. The host name is verified unless
 * certificates are not.
 */
public final class BrokerTls {

  private BrokerTls() {}

  /** Whether certificates are verified: false when the URL says {@code ssl_cert_reqs=none}. */
  public static boolean verifies(BrokerUrl url) {
    String requirement = url.query().getOrDefault("ssl_cert_reqs", "required").toLowerCase(Locale.ROOT);
    return !(requirement.equals("none") || requirement.equals("cert_none"));
  }

  /** The TLS context the URL asks for. */
  public static SSLContext context(BrokerUrl url) {
    if (!verifies(url)) {
      return context(url, new TrustManager[] {new AcceptAll()});
    }
    String caFile = url.query().get("ssl_ca_certs");
    if (caFile != null) {
      return context(url, trustManagers(url, caFile));
    }
    try {
      return SSLContext.getDefault();
    } catch (GeneralSecurityException e) {
      throw new ConfigurationException("can't set up TLS for " + url + ": " + e.getMessage(), e);
    }
  }

  private static SSLContext context(BrokerUrl url, TrustManager[] trust) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new ConfigurationException("can't set up TLS for " + url + ": " + e.getMessage(), e);
    }
  }

  private static TrustManager[] trustManagers(BrokerUrl url, String caFile) {
    try {
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      try (InputStream in = Files.newInputStream(Path.of(caFile))) {
        int i = 0;
        for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          trusted.setCertificateEntry("ca-" + i++, certificate);
        }
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      return trust.getTrustManagers();
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigurationException("can't set up TLS for " + url + ": " + e.getMessage(), e);
    }
  }

  /** {@code ssl_cert_reqs=none}: the connection is encrypted but the server is not verified. */
  private static final class AcceptAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
