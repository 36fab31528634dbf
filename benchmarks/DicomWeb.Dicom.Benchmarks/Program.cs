using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

// Default job: 1 launch, 3 warmup and 10 measured iterations — stable enough on a 2-core machine and keeps a full
// run of every class within a few minutes. AsDefault() lets a --job given on the command line replace it.
var config = DefaultConfig.Instance.AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10).AsDefault());
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
