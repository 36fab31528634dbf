using DicomWeb.LoadTest;

// WADO load test: seed the same data on every target, then measure each target in turn (see README.md).
if (args.Length == 0 || args[0] is not ("seed" or "run"))
{
    Console.Error.WriteLine("usage: LoadTest seed --target URL [--target URL…] [--static-dir DIR] [--template FILE] [--series N] [--study N] [--frames N] [--manifest FILE]");
    Console.Error.WriteLine("       LoadTest run --target NAME=URL [--target NAME=URL…] [--static NAME=URL] [--manifest FILE] [--clients 1,8] [--seconds 10] [--pid NAME=PID]");
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
var pids = All("--pid").Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => int.Parse(p[1]));
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, AutomaticDecompression = System.Net.DecompressionMethods.None })
{
    Timeout = TimeSpan.FromMinutes(10),
};
var results = new List<Measurement>();

HttpRequestMessage Get(string url, string? accept)
{
    var message = new HttpRequestMessage(HttpMethod.Get, url);
    if (accept != null) message.Headers.TryAddWithoutValidation("Accept", accept);
    return message;
}

foreach (var spec in All("--static"))
{
    var (name, url) = Split(spec);
    await Measure.RunAsync(http, name, "warm-up", 4, duration, 200, i => Get($"{url.TrimEnd('/')}/{manifest.SeriesInstances[i % manifest.SeriesInstances.Count]}.dcm", null));
    foreach (var clients in clientsList)
        results.Add(await Measure.RunAsync(http, name, "instance", clients, duration, int.MaxValue,
            i => Get($"{url.TrimEnd('/')}/{manifest.SeriesInstances[i % manifest.SeriesInstances.Count]}.dcm", null)));
}

const string Part10 = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";
foreach (var spec in All("--target"))
{
    var (name, url) = Split(spec);
    var root = url.TrimEnd('/');
    string Instance(string sop) => $"{root}/studies/{manifest.SeriesStudy}/series/{manifest.Series}/instances/{sop}";
    // Warm-up (JIT, connection pool, caches), not reported.
    await Measure.RunAsync(http, name, "warm-up", 4, duration, 200, i => Get(Instance(manifest.SeriesInstances[i % manifest.SeriesInstances.Count]), Part10));
    await Measure.RunAsync(http, name, "warm-up", 1, duration, 5, _ => Get($"{root}/studies/{manifest.MetadataStudy}/metadata", "application/dicom+json"));
    foreach (var clients in clientsList)
    {
        results.Add(await Measure.RunAsync(http, name, "instance multipart", clients, duration, int.MaxValue,
            i => Get(Instance(manifest.SeriesInstances[i % manifest.SeriesInstances.Count]), Part10)));
        results.Add(await Measure.RunAsync(http, name, "instance single-part", clients, duration, int.MaxValue,
            i => Get(Instance(manifest.SeriesInstances[i % manifest.SeriesInstances.Count]), "application/dicom; transfer-syntax=*")));
    }
    results.Add(await Measure.RunAsync(http, name, $"series ({manifest.SeriesInstances.Count} inst)", 1, duration, 5,
        _ => Get($"{root}/studies/{manifest.SeriesStudy}/series/{manifest.Series}", Part10)));
    results.Add(await Measure.RunAsync(http, name, $"study metadata ({manifest.MetadataInstances})", 1, duration, 50,
        _ => Get($"{root}/studies/{manifest.MetadataStudy}/metadata", "application/dicom+json")));
    var frameUrl = $"{root}/studies/{manifest.FramesStudy}/series/{manifest.FramesSeries}/instances/{manifest.FramesInstance}/frames/";
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
