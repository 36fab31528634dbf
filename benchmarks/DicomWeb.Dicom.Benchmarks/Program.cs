using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

// Default job: 1 launch, 3 warmup and 10 measured iterations — stable enough on a 2-core machine while a run of every
// class stays within a few minutes. A --job (or -j) on the command line is used instead of it.
IConfig config = DefaultConfig.Instance.WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(40));
if (!args.Any(a => a is "--job" or "-j" || a.StartsWith("--job=", StringComparison.Ordinal)))
    config = config.AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10).WithId("Core"));
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
