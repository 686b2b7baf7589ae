package dev.switchboard.plugin.testkit;

import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.ChannelContext;
import dev.switchboard.plugin.api.ChannelFactory;
import dev.switchboard.plugin.api.Settings;
import dev.switchboard.plugin.testkit.MemoryChannel.Flaw;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The conformance suite over the in-memory channel with the flaw named by the configuration
 * parameter {@value #FLAW}, or none. Not a test class of its own (its name does not end in Test):
 * {@link ChannelConformanceSuiteTest} runs it through the JUnit launcher.
 */
@ExtendWith(MemoryConformance.FlawFromConfiguration.class)
class MemoryConformance extends ChannelConformanceSuite<MemoryPlatform> {
  static final String FLAW = "memory.flaw";

  private final Flaw flaw;

  MemoryConformance(Flaw flaw) {
    this.flaw = flaw;
  }

  /** Hands the constructor the flaw the launcher was configured with. */
  static final class FlawFromConfiguration implements ParameterResolver {
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
      return parameter.getParameter().getType() == Flaw.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
      return Flaw.valueOf(extension.getConfigurationParameter(FLAW).orElse(Flaw.NONE.name()));
    }
  }

  @Override
  protected ChannelFactory factory() {
    return new ChannelFactory() {
      @Override
      public String channelType() {
        return "memory";
      }

      @Override
      public Channel create(Settings settings, ChannelContext context) {
        return new MemoryChannel(platform(), context, flaw);
      }
    };
  }

  @Override
  protected MemoryPlatform startPlatform(Path folder) {
    return new MemoryPlatform();
  }

  @Override
  protected Map<String, String> settings(MemoryPlatform platform) {
    return Map.of();
  }

  // A flawed channel's awaited events may never come; no need to wait long for them.
  @Override
  protected Duration timeout() {
    return flaw == Flaw.NONE ? Duration.ofSeconds(10) : Duration.ofSeconds(2);
  }
}
