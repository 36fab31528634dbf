using System.Globalization;

namespace DicomWeb.Cli.Import;

/// <summary>What <c>dicomweb import</c> was asked to do.</summary>
public sealed record ImportOptions
{
    /// <summary>The folder tree to import.</summary>
    public required string Folder { get; init; }

    /// <summary>The DICOMweb root, e.g. http://pacs:8080/dicom-web; files go to {root}/studies.</summary>
    public required Uri Url { get; init; }

    /// <summary>Requests in flight at once.</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>Files per request (when <see cref="BatchBytes"/> is not set).</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>When set, files are batched until a request holds at least this many bytes (a larger file goes alone).</summary>
    public long? BatchBytes { get; init; }

    /// <summary>How often a request is tried again after a network error or a 5xx answer.</summary>
    public int Retries { get; init; } = 3;

    /// <summary>The wait before the first retry; it doubles with every further one (plus jitter), up to 30 s.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one request may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>A bearer token (JWT) sent as Authorization.</summary>
    public string? Token { get; init; }

    /// <summary>The usage text of the verb.</summary>
    public const string Usage = """
          import FOLDER --url URL       store every DICOM file under FOLDER through STOW-RS at URL (the DICOMweb root)
              [--concurrency N]         requests in flight at once (default 4)
              [--batch-size N]          files per request (default 1)
              [--batch-bytes SIZE]      instead: fill each request up to SIZE bytes (e.g. 64M)
              [--retries N]             retries after network errors and 5xx answers (default 3), with backoff
              [--retry-delay SECONDS]   first backoff delay (default 1), doubling
              [--timeout SECONDS]       per request (default 600)
              [--token JWT]             sent as "Authorization: Bearer JWT"
        """;

    /// <summary>Parses the arguments after the verb; null with a message on a usage error.</summary>
    public static ImportOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        error = null;
        string? folder = null, url = null, token = null;
        int concurrency = 4, batchSize = 1, retries = 3;
        long? batchBytes = null;
        double retryDelay = 1, timeout = 600;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (folder != null)
                {
                    error = $"unexpected argument '{arg}'";
                    return null;
                }
                folder = arg;
                continue;
            }
            if (i + 1 >= args.Count)
            {
                error = $"{arg} needs a value";
                return null;
            }
            var value = args[++i];
            var ok = arg switch
            {
                "--url" => (url = value) != null,
                "--token" => (token = value) != null,
                "--concurrency" => int.TryParse(value, CultureInfo.InvariantCulture, out concurrency) && concurrency is >= 1 and <= 256,
                "--batch-size" => int.TryParse(value, CultureInfo.InvariantCulture, out batchSize) && batchSize >= 1,
                "--batch-bytes" => TryParseSize(value, out var bytes) && (batchBytes = bytes) > 0,
                "--retries" => int.TryParse(value, CultureInfo.InvariantCulture, out retries) && retries >= 0,
                "--retry-delay" => double.TryParse(value, CultureInfo.InvariantCulture, out retryDelay) && retryDelay >= 0,
                "--timeout" => double.TryParse(value, CultureInfo.InvariantCulture, out timeout) && timeout > 0,
                _ => false,
            };
            if (!ok)
            {
                error = arg is "--url" or "--token" or "--concurrency" or "--batch-size" or "--batch-bytes" or "--retries" or "--retry-delay" or "--timeout"
                    ? $"invalid value '{value}' for {arg}"
                    : $"unknown option '{arg}'";
                return null;
            }
        }
        if (folder == null || url == null)
        {
            error = "import needs a FOLDER and --url";
            return null;
        }
        if (!Directory.Exists(folder))
        {
            error = $"no such folder: {folder}";
            return null;
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var root) || root.Scheme is not ("http" or "https"))
        {
            error = $"--url '{url}' is not an http(s) URL";
            return null;
        }
        return new ImportOptions
        {
            Folder = folder,
            Url = root,
            Concurrency = concurrency,
            BatchSize = batchSize,
            BatchBytes = batchBytes,
            Retries = retries,
            RetryDelay = TimeSpan.FromSeconds(retryDelay),
            Timeout = TimeSpan.FromSeconds(timeout),
            Token = token,
        };
    }

    /// <summary>Parses a byte count with an optional K, M or G suffix (powers of 1024; a trailing B or iB is allowed).</summary>
    public static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        var trimmed = text.Trim().ToUpperInvariant();
        if (trimmed.EndsWith("IB", StringComparison.Ordinal)) trimmed = trimmed[..^2];
        else if (trimmed.EndsWith('B')) trimmed = trimmed[..^1];
        long unit = 1;
        if (trimmed.Length > 0 && trimmed[^1] is 'K' or 'M' or 'G')
        {
            unit = trimmed[^1] switch { 'K' => 1L << 10, 'M' => 1L << 20, _ => 1L << 30 };
            trimmed = trimmed[..^1];
        }
        if (!double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || number <= 0) return false;
        bytes = (long)(number * unit);
        return bytes > 0;
    }
}
