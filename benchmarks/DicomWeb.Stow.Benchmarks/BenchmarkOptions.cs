namespace DicomWeb.Stow.Benchmarks;

/// <summary>Command-line options: sizes, clients and which servers to measure.</summary>
internal sealed class BenchmarkOptions
{
    public int SmallCount { get; private set; } = 1000;
    public int LargeCount { get; private set; } = 20;
    public int LargeFrames { get; private set; } = 100;
    public int[] Clients { get; private set; } = [1, 4];
    /// <summary>
    /// At most this many distinct instances each server stores before a measurement, fewer once its JIT is quiet
    /// (see <see cref="IngestRun.WarmUpAsync"/>).
    /// </summary>
    public int WarmupFiles { get; private set; } = 5000;

    /// <summary>How many times every measurement is repeated, targets in alternating order; the median is reported.</summary>
    public int Rounds { get; private set; } = 1;
    public string Template { get; private set; } = "";
    public string WorkFolder { get; private set; } = Path.Combine(Path.GetTempPath(), "stow-bench-" + Environment.ProcessId);
    public bool KeepFiles { get; private set; }
    public List<IngestTarget> Targets { get; } = [];
    public List<string> ServerArguments { get; } = [];

    public static BenchmarkOptions Parse(string[] args)
    {
        var options = new BenchmarkOptions();
        string? server = null;
        string? baseline = null;
        var orthanc = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--small": options.SmallCount = int.Parse(args[++i]); break;
                case "--large": options.LargeCount = int.Parse(args[++i]); break;
                case "--large-frames": options.LargeFrames = int.Parse(args[++i]); break;
                case "--warmup-files": options.WarmupFiles = int.Parse(args[++i]); break;
                case "--rounds": options.Rounds = int.Parse(args[++i]); break;
                case "--clients": options.Clients = args[++i].Split(',').Select(int.Parse).ToArray(); break;
                case "--template": options.Template = args[++i]; break;
                case "--work": options.WorkFolder = args[++i]; break;
                case "--keep": options.KeepFiles = true; break;
                case "--server": server = args[++i]; break;
                case "--orthanc": orthanc = true; break;
                case "--baseline": baseline = args[++i]; break;
                case "--no-fsync": options.ServerArguments.AddRange(["--Storage:FlushToDisk", "false"]); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        if (options.Template == "") options.Template = FindCorpusFile("native/ct_explicit_le.dcm");
        options.Targets.Add(new ServerTarget(server ?? FindServerBinary(), options.ServerArguments));
        // Another build of this server (e.g. the last commit's) measured in the same run, for before/after ratios.
        if (baseline != null) options.Targets.Add(new ServerTarget(baseline, options.ServerArguments, "baseline"));
        if (orthanc) options.Targets.Add(new OrthancTarget());
        return options;
    }

    private static string FindCorpusFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "testdata", relative);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"no shared/testdata/{relative} above {AppContext.BaseDirectory}; pass --template FILE");
    }

    private static string FindServerBinary()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "DicomWeb.Server", "bin", "Release", "net10.0", "DicomWeb.Server.dll");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("build the server first: dotnet build -c Release src/DicomWeb.Server (or pass --server PATH.dll)");
    }
}
