using System.Globalization;
using DicomWeb.Qido.Benchmarks;
using DicomWeb.Server;
using DicomWeb.Storage.Index;
using DicomWeb.Storage.Query;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

// QIDO-RS benchmark: generate an index of N studies, start the real server on it, and fire the seven searches of the
// acceptance criteria with 1 and 4 concurrent clients; or fire the same searches at another server (--target URL).
if (args.Length > 0 && args[0] == "seed") return await Seed(args[1..]);
var settings = Settings.Parse(args);
if (settings == null) return 2;
var output = Console.Out;
var random = new Random(settings.Seed);

WebApplication? app = null;
string target;
if (settings.Target != null)
{
    target = settings.Target.TrimEnd('/') + "/";
}
else
{
    var marker = Path.Combine(settings.DataPath, $"generated-{settings.Studies}.txt");
    if (!settings.Reuse || !File.Exists(marker))
    {
        output.WriteLine($"generating {settings.Studies:N0} studies in {settings.DataPath}");
        var instances = IndexGenerator.Generate(settings.DataPath, settings.Studies, settings.Seed, output);
        File.WriteAllText(marker, instances.ToString(CultureInfo.InvariantCulture));
    }
    else output.WriteLine($"reusing the index in {settings.DataPath}");
    app = DicomWebApplication.Build(["--urls", "http://127.0.0.1:0", "--Storage:Path", settings.DataPath, "--Logging:LogLevel:Default", "Warning"]);
    await app.StartAsync();
    var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
    target = address.TrimEnd('/') + "/dicom-web/";
}

using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
{
    BaseAddress = new Uri(target),
    Timeout = TimeSpan.FromSeconds(60),
};
client.DefaultRequestHeaders.Add("Accept", "application/dicom+json");
output.WriteLine($"target {target} ({Environment.ProcessorCount} cores; clients run in this process)");
var samples = await SampleValues.DiscoverAsync(client, settings.Studies, random);
var queries = samples.Queries();

if (app != null && settings.PrintSql)
{
    var search = app.Services.GetRequiredService<IndexSearch>();
    var contexts = app.Services.GetRequiredService<IDbContextFactory<DicomIndexContext>>();
    var options = app.Services.GetRequiredService<SearchOptions>();
    var (study, series) = samples.Series[0];
    await SqlReport.PrintAsync(search, contexts, options, "all studies, limit=100", QueryLevel.Study, null, null, "limit=100", output);
    await SqlReport.PrintAsync(search, contexts, options, "PatientID exact", QueryLevel.Study, null, null, $"PatientID={samples.PatientIds[0]}", output);
    await SqlReport.PrintAsync(search, contexts, options, "PatientName prefix", QueryLevel.Study, null, null,
        $"PatientName={samples.NamePrefixes[0]}*&limit=100", output);
    await SqlReport.PrintAsync(search, contexts, options, "StudyDate range", QueryLevel.Study, null, null,
        $"StudyDate={samples.Months[0]}01-{samples.Months[0]}28&limit=100", output);
    await SqlReport.PrintAsync(search, contexts, options, "ModalitiesInStudy=CT", QueryLevel.Study, null, null, "ModalitiesInStudy=CT&limit=100", output);
    await SqlReport.PrintAsync(search, contexts, options, "series of one study", QueryLevel.Series, study, null, "", output);
    await SqlReport.PrintAsync(search, contexts, options, "instances of one series", QueryLevel.Instance, study, series, "", output);
}

// Warm every path (JIT tiers, SQLite page cache, EF Core query cache) before measuring any of them.
foreach (var query in queries)
    await QueryLoad.RunAsync(client, query, 1, settings.Warmup * 5, TimeSpan.FromSeconds(settings.Seconds), 0, settings.Seed + 1);
var loadBefore = LoadAverage();
var results = new List<LoadResult>();
if (app != null)
{
    // Same HTTP stack, no index work: the floor the searches are measured against.
    var health = new QueryKind("baseline: GET /health/live", _ => "/health/live");
    foreach (var clients in settings.Clients)
        results.Add(await QueryLoad.RunAsync(client, health, clients, settings.Requests, TimeSpan.FromSeconds(settings.Seconds), settings.Warmup, settings.Seed));
}
foreach (var query in queries)
    foreach (var clients in settings.Clients)
    {
        var result = await QueryLoad.RunAsync(client, query, clients, settings.Requests, TimeSpan.FromSeconds(settings.Seconds), settings.Warmup, settings.Seed);
        results.Add(result);
        output.WriteLine($"  {result.Query,-40} {clients} client(s): p50 {result.P50Ms,7:F2} ms  p99 {result.P99Ms,7:F2} ms  {result.RequestsPerSecond,8:F0} req/s");
    }

output.WriteLine();
output.WriteLine($"load average before/after: {loadBefore} / {LoadAverage()}");
output.WriteLine($"| query | clients | requests | errors | p50 ms | p99 ms | req/s | KB/response |");
output.WriteLine($"|---|---:|---:|---:|---:|---:|---:|---:|");
foreach (var r in results)
    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {r.Query} | {r.Clients} | {r.Requests} | {r.Errors} | {r.P50Ms:F2} | {r.P99Ms:F2} | {r.RequestsPerSecond:F0} | {(r.Requests == 0 ? 0 : r.Bytes / 1024.0 / (r.Requests + r.Errors)):F1} |"));

if (app != null)
{
    await app.StopAsync();
    await app.DisposeAsync();
}
return results.Any(r => r.Errors > 0) ? 1 : 0;

// seed --count N --target URL [--target URL ...] [--batch 50] [--concurrency 4] [--seed N]: the same studies into every target.
static async Task<int> Seed(string[] args)
{
    int count = 2000, batch = 50, concurrency = 4, seed = 42;
    var targets = new List<string>();
    for (var i = 0; i + 1 < args.Length; i += 2)
        switch (args[i])
        {
            case "--count": count = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
            case "--target": targets.Add(args[i + 1]); break;
            case "--batch": batch = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
            case "--concurrency": concurrency = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
            case "--seed": seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
            default: targets.Clear(); i = args.Length; break;
        }
    if (targets.Count == 0 || args.Length % 2 != 0)
    {
        Console.Error.WriteLine("usage: DicomWeb.Qido.Benchmarks seed --count N --target BASE-URL [--target BASE-URL ...] [--batch 50] [--concurrency 4] [--seed N]");
        return 2;
    }
    return await StudySeeder.SeedAsync(targets, count, seed, batch, concurrency, Console.Out) ? 0 : 1;
}

// Other work on the machine skews latencies; the report says how busy it was.
static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

/// <summary>Command-line settings.</summary>
internal sealed record Settings(int Studies, string DataPath, bool Reuse, string? Target, int Requests, int Seconds, int[] Clients, int Warmup, int Seed, bool PrintSql)
{
    public static Settings? Parse(string[] args)
    {
        int studies = 100_000, requests = 300, seconds = 10, warmup = 20, seed = 42;
        string? data = null, target = null;
        var reuse = false;
        var printSql = true;
        int[] clients = [1, 4];
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--studies": studies = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--data": data = Next(); break;
                case "--reuse": reuse = true; break;
                case "--target": target = Next(); break;
                case "--requests": requests = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--seconds": seconds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--clients": clients = Next().Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray(); break;
                case "--warmup": warmup = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--seed": seed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--no-sql": printSql = false; break;
                default:
                    Console.Error.WriteLine("""
                        usage: DicomWeb.Qido.Benchmarks [--studies N] [--data DIR] [--reuse] [--requests N] [--seconds S]
                                                        [--clients 1,4] [--warmup N] [--seed N] [--no-sql] [--target BASE-URL]
                          --studies N    studies to generate (1-4 series of 1-20 instances each; default 100000)
                          --data DIR     data folder for the generated index (default: a folder under the temp directory)
                          --reuse        keep an index already generated there for the same N
                          --target URL   search another DICOMweb server instead (e.g. http://127.0.0.1:8042/dicom-web);
                                         values to search for are read from it first; --studies then only bounds the offsets sampled
                        """);
                    return null;
            }
        }
        data ??= Path.Combine(Path.GetTempPath(), $"dicomweb-qido-bench-{studies}");
        return new Settings(studies, data, reuse, target, requests, seconds, clients, warmup, seed, printSql);
    }
}
