package dev.celeriac.sample;

/** How often a project's members get a digest. Travels by constant name. */
public enum DigestInterval {
  HOURLY,
  DAILY,
  WEEKLY
}
