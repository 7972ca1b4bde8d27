#!/bin/bash
# JavaScript engines side by side for one plugin call (docs/benchmarks.md, issue 23): V8 through
# Javet 3.x/4.x/5.x and GraalJS interpreted (JDK 17) and compiled (JDK 25). Sequential, one JVM
# at a time, about 4 minutes; resolves the engines from Maven Central (not part of the build).
set -e
cd "$(dirname "$0")"
J25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
mvn -q -B compile
mvn -q -B dependency:build-classpath -Dmdep.outputFile=cp-4.txt                              # javet 4.1.5 + graal 24.2.2
mvn -q -B dependency:build-classpath -Djavet.version=5.0.6 -Dmdep.outputFile=cp-5.txt
mvn -q -B dependency:build-classpath -Djavet.version=3.1.8 -P'!split-native' -Dmdep.outputFile=cp-3.txt
mvn -q -B dependency:build-classpath -Dgraal.version=25.0.1 -Dmdep.outputFile=cp-g25.txt      # for JDK 25 compiled
CP4=target/classes:$(cat cp-4.txt); CP5=target/classes:$(cat cp-5.txt); CP3=target/classes:$(cat cp-3.txt)
R=~/.m2/repository/org/graalvm; V=25.0.1
UP=$R/compiler/compiler/$V/compiler-$V.jar:$R/truffle/truffle-compiler/$V/truffle-compiler-$V.jar:$R/sdk/word/$V/word-$V.jar:$R/sdk/collections/$V/collections-$V.jar:$R/sdk/nativeimage/$V/nativeimage-$V.jar
G25="$J25 --enable-native-access=ALL-UNNAMED -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI --upgrade-module-path=$UP -cp target/classes:$(cat cp-g25.txt)"
JL=-Djavet.lib.loading.path=$PWD/target/native   # keep the unpacked .so out of /tmp/javet
for CP in "$CP4" "$CP5" "$CP3"; do
  java $JL -cp "$CP" spike.JavetBench info
  java $JL -Dwarm=30000 -cp "$CP" spike.JavetBench call
  java $JL -cp "$CP" spike.JavetBench create
  java $JL -cp "$CP" spike.JavetBench mem
  timeout 60 java $JL -cp "$CP" spike.JavetBench terminate
done
java $JL -Dasync=true -Dwarm=30000 -cp "$CP4" spike.JavetBench call
$J25 --enable-native-access=ALL-UNNAMED $JL -Dwarm=30000 -cp "$CP4" spike.JavetBench call
timeout 60 java $JL -Xmx256m -cp "$CP4" spike.JavetBench heap   || echo "javet 4.1.5 heap limit: JVM exit $?"
timeout 60 java $JL -Xmx256m -cp "$CP5" spike.JavetBench heapcb || echo "javet 5.0.6 heapcb: JVM exit $?"
java -cp "$CP4" spike.GraalBench info
java -Dwarm=30000 -cp "$CP4" spike.GraalBench call                 # JDK 17, interpreted
java -Dasync=true -Dwarm=30000 -cp "$CP4" spike.GraalBench call
java -cp "$CP4" spike.GraalBench create; java -cp "$CP4" spike.GraalBench mem
timeout 60 java -cp "$CP4" spike.GraalBench terminate
$G25 spike.GraalBench info
$G25 -Dwarm=300000 spike.GraalBench call                           # JDK 25, compiled (needs 25.0.1)
$G25 spike.GraalBench create; $G25 spike.GraalBench mem
