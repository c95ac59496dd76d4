package dev.mediasync.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The CRDT core is pure: plain data and algorithms over {@code java.lang} and {@code java.util}. No
 * I/O, no threads, no framework types, so it can be reused by every module and tested without a
 * runtime.
 */
@AnalyzeClasses(
    packages = "dev.mediasync.core",
    importOptions = ImportOption.DoNotIncludeTests.class)
class CoreDependencyRulesTest {

  @ArchTest
  static final ArchRule core_dependsOnlyOnJavaLangAndJavaUtil =
      classes()
          .that()
          .resideInAPackage("dev.mediasync.core..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage("dev.mediasync.core..", "java.lang", "java.util..")
          .because("the CRDT core must stay free of I/O, threads and frameworks");

  @ArchTest
  static final ArchRule core_noIoNetworkConcurrencyOrFrameworks =
      noClasses()
          .that()
          .resideInAPackage("dev.mediasync.core..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "java.io..",
              "java.nio..",
              "java.net..",
              "java.util.concurrent..",
              "java.sql..",
              "io.vertx..",
              "com.fasterxml..");

  @ArchTest
  static final ArchRule core_createsNoThreads =
      noClasses()
          .that()
          .resideInAPackage("dev.mediasync.core..")
          .should()
          .dependOnClassesThat()
          .areAssignableTo(Thread.class)
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName(ThreadGroup.class.getName());
}
