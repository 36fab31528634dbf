using System.Diagnostics;
using DicomWeb.Stow.Benchmarks;

// STOW-RS ingest benchmark: the same generated files posted to each target in the same run,
// beside raw disk write speed (dd) as the ceiling. See README.md beside this file.
var options = BenchmarkOptions.Parse(args);
Directory.CreateDirectory(options.WorkFolder);
Console.WriteLine($"work folder {options.WorkFolder}");

var small = TestFiles.Generate(Path.Combine(options.WorkFolder, "small"), options.SmallCount, frames: 1, options.Template);
var warmup = TestFiles.Generate(Path.Combine(options.WorkFolder, "warmup"), options.WarmupFiles, frames: 1, options.Template);
var large = TestFiles.Generate(Path.Combine(options.WorkFolder, "large"), options.LargeCount, frames: options.LargeFrames, options.Template);
Console.WriteLine($"{small.Count} small files of {small[0].Length / 1e6:F2} MB, {large.Count} large files" +
    (large.Count > 0 ? $" of {large[0].Length / 1e6:F1} MB" : ""));

var disk = DiskCeiling.Measure(Path.Combine(options.WorkFolder, "dd.bin"), megabytes: 1024);
Console.WriteLine($"dd write with fdatasync: {disk:F0} MB/s");

var results = new List<IngestResult>();
for (var round = 0; round < options.Rounds; round++)
{
    // Alternating the order cancels the advantage or handicap of being measured first (page cache, disk state).
    var targets = round % 2 == 0 ? options.Targets : options.Targets.AsEnumerable().Reverse().ToList();
    foreach (var target in targets)
    {
        foreach (var (label, files) in new[] { ("small", small), ("large", large) })
        {
            if (files.Count == 0) continue;
            foreach (var clients in options.Clients)
            {
                await using var server = await target.StartAsync(options.WorkFolder);
                // Not measured: lets a JIT-compiled server reach steady state before the clock starts. The warm-up files are
                // distinct instances, so the path that inserts new rows gets hot, not only the one for duplicates; it goes on
                // until tiered compilation is quiet (it was busy for the first ~3000 instances, measured per thread).
                var warmedUp = await IngestRun.WarmUpAsync(server, warmup);
                // Dirty pages left by generating files or by the previous run would be flushed during this one.
                Process.Start("sync")!.WaitForExit();
                var result = await IngestRun.RunAsync(server, label, files, clients);
                results.Add(result);
                Console.WriteLine($"round {round + 1} {result} ({warmedUp})");
            }
        }
    }
}

Console.WriteLine();
if (options.Rounds > 1) Console.WriteLine($"median of {options.Rounds} rounds (by instances/s):");
Console.WriteLine("| target | files | clients | instances/s | MB/s | % of dd | peak RSS MB | server CPU ms/inst | client CPU ms/inst | failed |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
foreach (var group in results.GroupBy(r => (r.Target, r.Label, r.Clients)))
{
    var ordered = group.OrderBy(r => r.InstancesPerSecond).ToList();
    var r = ordered[ordered.Count / 2];
    Console.WriteLine($"| {r.Target} | {r.Label} | {r.Clients} | {r.InstancesPerSecond:F1} | {r.MegabytesPerSecond:F1} | {100 * r.MegabytesPerSecond / disk:F0}% | {r.PeakRssMegabytes:F0} | {r.ServerCpuPerInstance:F2} | {r.ClientCpuPerInstance:F2} | {group.Sum(x => x.Failed)} |");
}
if (!options.KeepFiles) Directory.Delete(options.WorkFolder, recursive: true);
return results.Any(r => r.Failed > 0) ? 1 : 0;
