using DicomWeb.LoadTest;

// WADO load test: seed the same data on every target, then measure each target in turn (see README.md).
if (args.Length == 0 || args[0] is not ("seed" or "run"))
{
    Console.Error.WriteLine("usage: LoadTest seed --target URL [--target URL…] [--static-dir DIR] [--template FILE] [--series N] [--study N] [--frames N] [--manifest FILE]");
    Console.Error.WriteLine("       LoadTest run --target NAME=URL [--target NAME=URL…] [--static NAME=URL] [--manifest FILE] [--clients 1,8] [--seconds 10] [--warmup 3] [--rounds 1]");
    Console.Error.WriteLine("           [--cases instance,series,metadata,frame] [--pid NAME=PID]");
    return 2;
}

var options = new Dictionary<string, List<string>>(StringComparer.Ordinal);
for (var i = 1; i + 1 < args.Length; i += 2)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"expected an option at '{args[i]}'");
    if (!options.TryGetValue(args[i], out var values)) options[args[i]] = values = [];
    values.Add(args[i + 1]);
}
string One(string name, string fallback) => options.TryGetValue(name, out var v) ? v[^1] : fallback;
List<string> All(string name) => options.TryGetValue(name, out var v) ? v : [];
var manifestPath = One("--manifest", "wado-seed.json");

if (args[0] == "seed")
{
    var template = One("--template", FindCorpusFile("native/ct_explicit_le.dcm"));
    var seeded = await Seed.RunAsync(All("--target"), template, options.ContainsKey("--static-dir") ? One("--static-dir", "") : null,
        int.Parse(One("--series", "500")), int.Parse(One("--study", "1000")), int.Parse(One("--frames", "500")));
    Seed.Save(seeded, manifestPath);
    Console.WriteLine($"seeded {string.Join(", ", All("--target"))}; manifest {manifestPath}");
    return 0;
}

var manifest = Seed.Load(manifestPath);
var clientsList = One("--clients", "1,8").Split(',').Select(int.Parse).ToArray();
var duration = TimeSpan.FromSeconds(double.Parse(One("--seconds", "10"), System.Globalization.CultureInfo.InvariantCulture));
// Warm-up time per target: long enough for tiered compilation to settle on both sides.
var warmUp = TimeSpan.FromSeconds(double.Parse(One("--warmup", "3"), System.Globalization.CultureInfo.InvariantCulture));
var roundCount = int.Parse(One("--rounds", "1"));
var cases = One("--cases", "instance,series,metadata,frame").Split(',').ToHashSet(StringComparer.Ordinal);
var pids = All("--pid").Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => int.Parse(p[1]));
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, AutomaticDecompression = System.Net.DecompressionMethods.None })
{
    Timeout = TimeSpan.FromMinutes(10),
};

HttpRequestMessage Get(string url, string? accept)
{
    var message = new HttpRequestMessage(HttpMethod.Get, url);
    if (accept != null) message.Headers.TryAddWithoutValidation("Accept", accept);
    return message;
}

const string Part10 = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";
const string SinglePart10 = "application/dicom; transfer-syntax=*";
var statics = All("--static").Select(Split).ToList();
var targets = All("--target").Select(Split).ToList();
string SeriesInstance(int i) => manifest.SeriesInstances[i % manifest.SeriesInstances.Count];
string StaticUrl(string url, int i) => $"{url.TrimEnd('/')}/{SeriesInstance(i)}.dcm";
string InstanceUrl(string url, int i) => $"{url.TrimEnd('/')}/studies/{manifest.SeriesStudy}/series/{manifest.Series}/instances/{SeriesInstance(i)}";

// Warm-up (JIT tiering on both sides, connection pool, caches), not reported.
foreach (var (name, url) in statics)
foreach (var clients in new[] { 1, 4 })
    await Measure.RunAsync(http, name, "warm-up", clients, warmUp / 2, int.MaxValue, i => Get(StaticUrl(url, i), null));
foreach (var (name, url) in targets)
{
    foreach (var accept in new[] { Part10, SinglePart10 })
    foreach (var clients in new[] { 1, 4 })
        await Measure.RunAsync(http, name, "warm-up", clients, warmUp / 4, int.MaxValue, i => Get(InstanceUrl(url, i), accept));
    if (cases.Contains("metadata"))
        await Measure.RunAsync(http, name, "warm-up", 1, duration, 5, _ => Get($"{url.TrimEnd('/')}/studies/{manifest.MetadataStudy}/metadata", "application/dicom+json"));
}

// Instance retrieval, the static server and the targets taking turns round after round, so that a burst of load from
// something else on the machine hits all of them alike; each case is reported as its median round.
var rounds = new Dictionary<(string Target, string Case, int Clients), List<Measurement>>();
void Add(Measurement m)
{
    if (!rounds.TryGetValue((m.Target, m.Case, m.Clients), out var list)) rounds[(m.Target, m.Case, m.Clients)] = list = [];
    list.Add(m);
}
if (cases.Contains("instance"))
    for (var round = 0; round < roundCount; round++)
        foreach (var clients in clientsList)
        {
            foreach (var (name, url) in statics)
                Add(await Measure.RunAsync(http, name, "instance", clients, duration, int.MaxValue, i => Get(StaticUrl(url, i), null)));
            foreach (var (name, url) in targets)
            {
                Add(await Measure.RunAsync(http, name, "instance multipart", clients, duration, int.MaxValue, i => Get(InstanceUrl(url, i), Part10)));
                Add(await Measure.RunAsync(http, name, "instance single-part", clients, duration, int.MaxValue, i => Get(InstanceUrl(url, i), SinglePart10)));
            }
        }
if (roundCount > 1)
    foreach (var list in rounds.Values)
        Console.WriteLine($"rounds: {list[0].Target} {list[0].Case} clients={list[0].Clients}: {string.Join(" ", list.Select(m => m.RequestsPerSecond.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))} req/s");
var results = rounds.Values.Select(list => list.OrderBy(m => m.RequestsPerSecond).ElementAt(list.Count / 2)).ToList();

foreach (var (name, url) in targets)
{
    var root = url.TrimEnd('/');
    if (cases.Contains("series"))
        results.Add(await Measure.RunAsync(http, name, $"series ({manifest.SeriesInstances.Count} inst)", 1, duration, 5,
            _ => Get($"{root}/studies/{manifest.SeriesStudy}/series/{manifest.Series}", Part10)));
    if (cases.Contains("metadata"))
        results.Add(await Measure.RunAsync(http, name, $"study metadata ({manifest.MetadataInstances})", 1, duration, 50,
            _ => Get($"{root}/studies/{manifest.MetadataStudy}/metadata", "application/dicom+json")));
    var frameUrl = $"{root}/studies/{manifest.FramesStudy}/series/{manifest.FramesSeries}/instances/{manifest.FramesInstance}/frames/";
    if (cases.Contains("frame"))
        results.Add(await Measure.RunAsync(http, name, $"frame of {manifest.Frames}", 1, duration, 500,
            _ => Get(frameUrl + Random.Shared.Next(1, manifest.Frames + 1), "multipart/related; type=\"application/octet-stream\"")));
    if (Measure.PeakRssMegabytes(pids.TryGetValue(name, out var pid) ? pid : null) is { } rss) Console.WriteLine($"{name}: peak RSS {rss:F0} MB");
}

foreach (var result in results) Console.WriteLine(result);
return 0;

static (string Name, string Url) Split(string spec)
{
    var equals = spec.IndexOf('=');
    return equals > 0 && !spec[..equals].Contains(':') ? (spec[..equals], spec[(equals + 1)..]) : (new Uri(spec).Authority, spec);
}

static string FindCorpusFile(string relative)
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
    {
        var candidate = Path.Combine(dir.FullName, "shared", "testdata", relative);
        if (File.Exists(candidate)) return candidate;
    }
    throw new FileNotFoundException($"no shared/testdata/{relative} above {AppContext.BaseDirectory}; pass --template FILE");
}
