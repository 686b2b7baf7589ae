package dev.switchboard;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The boundaries DESIGN.md and STYLE.md draw, checked on the compiled classes. */
class ArchitectureTest {
  private static final Path ROOT = Path.of(System.getProperty("switchboard.root", ".."));
  private static final JavaClasses GATEWAY =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.switchboard");

  @Test
  void the_plugin_api_uses_only_the_jdk_and_pf4j() {
    classes()
        .that().resideInAPackage("dev.switchboard.plugin.api..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.pf4j..", "dev.switchboard.plugin.api..")
        .check(GATEWAY);
  }

  @Test
  void router_agents_and_delivery_never_call_each_other() {
    noClasses().that().resideInAPackage("..routing..")
        .should().dependOnClassesThat().resideInAnyPackage("..agents..", "..delivery..", "..http..", "..plugins..")
        .check(GATEWAY);
    noClasses().that().resideInAPackage("..agents..")
        .should().dependOnClassesThat().resideInAnyPackage("..routing..", "..delivery..", "..http..", "..plugins..")
        .check(GATEWAY);
    noClasses().that().resideInAPackage("..delivery..")
        .should().dependOnClassesThat().resideInAnyPackage("..routing..", "..agents..", "..http..", "..plugins..")
        .check(GATEWAY);
  }

  @Test
  void the_store_depends_on_no_other_part() {
    noClasses().that().resideInAPackage("dev.switchboard.store..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "dev.switchboard.routing..", "dev.switchboard.agents..", "dev.switchboard.delivery..",
            "dev.switchboard.http..", "dev.switchboard.plugins..", "dev.switchboard.admin..",
            "dev.switchboard.config..")
        .check(GATEWAY);
  }

  @Test
  void bundled_plugins_use_only_the_plugin_api_of_switchboard() throws IOException {
    for (String name : new String[] {"webhook", "command"}) {
      Path jar = ROOT.resolve("plugins").resolve(name + ".jar");
      assertTrue(Files.exists(jar), jar + " is built before the gateway's tests");
      JavaClasses plugin;
      try (JarFile file = new JarFile(jar.toFile())) {
        plugin = new ClassFileImporter().importJar(file);
      }
      noClasses()
          .that().resideInAPackage("dev.switchboard.plugins." + name + "..")
          .should().dependOnClassesThat().resideInAnyPackage(
              "dev.switchboard.store..", "dev.switchboard.routing..", "dev.switchboard.agents..",
              "dev.switchboard.delivery..", "dev.switchboard.http..", "dev.switchboard.config..",
              "dev.switchboard.admin..", "dev.switchboard.plugins")
          .check(plugin);
      noClasses()
          .should().resideInAnyPackage("dev.switchboard.plugin.api..", "org.pf4j..", "org.slf4j..")
          .as(name + ".jar bundles no plugin API, PF4J or SLF4J classes (they must come from the gateway)")
          .check(plugin);
    }
  }
}
