/** The Spring Boot sample: welcome emails sent by the starter's worker from a Spring service. */
package dev.celeriac.sample.spring;
