#!/bin/sh
# GraalJS 25.0.1 on Temurin 25: the same call loop interpreted (class path) and compiled by the
# Graal JIT through JVMCI (module path), to size what the JIT would give valor.js (issue 5).
set -eu
cd "$(dirname "$0")"
J25=${J25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin}
mvn -B -q dependency:copy-dependencies -DoutputDirectory=lib
rm -f lib/*.pom
CP=$(ls lib/*.jar | tr '\n' ':')
"$J25/javac" -cp "$CP" -d target CallLoop.java
echo "--- class path: Truffle's fallback runtime (interpreter)"
"$J25/java" -cp "$CP:target" CallLoop
UP="lib/compiler-25.0.1.jar:lib/truffle-compiler-25.0.1.jar:lib/collections-25.0.1.jar:lib/word-25.0.1.jar:lib/nativeimage-25.0.1.jar"
MP=$(ls lib/*.jar | grep -v 'compiler-25\|truffle-compiler\|collections\|word-\|nativeimage' | tr '\n' ':')
echo "--- module path, JVMCI, the Graal compiler upgraded in: optimizing runtime"
"$J25/java" -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI --upgrade-module-path="$UP" --module-path="$MP" \
    --add-modules=org.graalvm.polyglot -cp target CallLoop
