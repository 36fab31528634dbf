using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Channels;

namespace DicomWeb.Cli.Import;

/// <summary>One file that was not stored, and why.</summary>
/// <param name="Path">The file.</param>
/// <param name="Reason">The server's failure reason code and comment, the HTTP status, or the network error.</param>
/// <param name="Duplicate">True when the server already holds another instance with this SOP Instance UID (0x0111).</param>
public sealed record ImportFailure(string Path, string Reason, bool Duplicate);

/// <summary>Counters of an import, updated as requests complete (read them for progress).</summary>
public sealed class ImportCounters
{
    internal long _found, _skipped, _foundBytes, _done, _doneBytes, _sentBytes, _stored, _duplicates, _failed, _retries;
    internal volatile bool _scanComplete;

    /// <summary>DICOM files found so far.</summary>
    public long Found => Interlocked.Read(ref _found);
    /// <summary>Files skipped because they are not DICOM Part 10.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);
    /// <summary>Bytes of the DICOM files found so far.</summary>
    public long FoundBytes => Interlocked.Read(ref _foundBytes);
    /// <summary>Files whose request has completed (whatever the outcome).</summary>
    public long Done => Interlocked.Read(ref _done);
    /// <summary>Bytes of the files whose request has completed.</summary>
    public long DoneBytes => Interlocked.Read(ref _doneBytes);
    /// <summary>File bytes written into requests, retries included.</summary>
    public long SentBytes => Interlocked.Read(ref _sentBytes);
    /// <summary>Files stored (or found already stored with identical content).</summary>
    public long Stored => Interlocked.Read(ref _stored);
    /// <summary>Files refused because their SOP Instance UID is stored already with other content.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);
    /// <summary>Files that failed.</summary>
    public long Failed => Interlocked.Read(ref _failed);
    /// <summary>Requests sent again after a network error or a 5xx answer.</summary>
    public long Retries => Interlocked.Read(ref _retries);
    /// <summary>True once the folder has been walked to the end (<see cref="Found"/> is the total).</summary>
    public bool ScanComplete => _scanComplete;
}

/// <summary>The outcome of an import.</summary>
/// <param name="Counters">The final counts.</param>
/// <param name="Failures">Every file not stored (failures and duplicates), in no particular order.</param>
/// <param name="Elapsed">Wall time.</param>
public sealed record ImportResult(ImportCounters Counters, IReadOnlyList<ImportFailure> Failures, TimeSpan Elapsed)
{
    /// <summary>True when every DICOM file found is stored (duplicates of stored instances count as stored).</summary>
    public bool AllStored => Counters.Failed == 0;
}

/// <summary>
/// Stores a folder tree of DICOM files through STOW-RS: a walker feeds batches of files into a bounded queue, N
/// workers post them (each body streamed from disk by <see cref="StowRequestContent"/>) and read the Store Instances
/// Response Module to tell, file by file, what was stored. Network errors, time-outs and 5xx answers are retried
/// with exponential backoff (honouring Retry-After); 4xx answers are final.
/// </summary>
public sealed class StowImporter
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);
    private readonly ImportOptions _options;
    private readonly HttpClient _client;
    private readonly Uri _studies;
    private readonly List<ImportFailure> _failures = [];

    /// <summary>Creates an importer; <paramref name="handler"/> replaces the default HTTP handler (tests).</summary>
    public StowImporter(ImportOptions options, HttpMessageHandler? handler = null)
    {
        _options = options;
        handler ??= new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        var root = options.Url.AbsoluteUri.TrimEnd('/');
        _studies = new Uri(root + "/studies");
    }

    /// <summary>The live counters.</summary>
    public ImportCounters Counters { get; } = new();

    /// <summary>Runs the import to the end.</summary>
    public async Task<ImportResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var queue = Channel.CreateBounded<List<ImportFile>>(new BoundedChannelOptions(_options.Concurrency * 2) { SingleWriter = true });
        var producer = Task.Run(() => ProduceAsync(queue.Writer, cancellationToken), cancellationToken);
        var workers = Enumerable.Range(0, _options.Concurrency).Select(_ => Task.Run(async () =>
        {
            await foreach (var batch in queue.Reader.ReadAllAsync(cancellationToken)) await ImportBatchAsync(batch, cancellationToken);
        }, cancellationToken)).ToList();
        try
        {
            await Task.WhenAll([producer, .. workers]);
        }
        finally
        {
            _client.Dispose();
        }
        lock (_failures) return new ImportResult(Counters, _failures.ToList(), clock.Elapsed);
    }

    private async Task ProduceAsync(ChannelWriter<List<ImportFile>> writer, CancellationToken cancellationToken)
    {
        try
        {
            var batch = new List<ImportFile>();
            long batchBytes = 0;
            foreach (var file in DicomFileScanner.Scan(_options.Folder, _ => Interlocked.Increment(ref Counters._skipped)))
            {
                Interlocked.Increment(ref Counters._found);
                Interlocked.Add(ref Counters._foundBytes, file.Length);
                // A file that would overflow a byte-sized batch starts the next one.
                if (_options.BatchBytes is { } limit && batch.Count > 0 && batchBytes + file.Length > limit)
                {
                    await writer.WriteAsync(batch, cancellationToken);
                    (batch, batchBytes) = ([], 0);
                }
                batch.Add(file);
                batchBytes += file.Length;
                if (_options.BatchBytes == null ? batch.Count >= _options.BatchSize : batchBytes >= _options.BatchBytes)
                {
                    await writer.WriteAsync(batch, cancellationToken);
                    (batch, batchBytes) = ([], 0);
                }
            }
            if (batch.Count > 0) await writer.WriteAsync(batch, cancellationToken);
            Counters._scanComplete = true;
            writer.Complete();
        }
        catch (Exception e)
        {
            writer.Complete(e);
            throw;
        }
    }

    private async Task ImportBatchAsync(List<ImportFile> batch, CancellationToken cancellationToken)
    {
        var outcomes = await PostWithRetriesAsync(batch, cancellationToken);
        for (var i = 0; i < batch.Count; i++)
        {
            var (stored, reason, duplicate) = outcomes[i];
            if (stored) Interlocked.Increment(ref Counters._stored);
            else
            {
                Interlocked.Increment(ref duplicate ? ref Counters._duplicates : ref Counters._failed);
                lock (_failures) _failures.Add(new ImportFailure(batch[i].Path, reason ?? "failed", duplicate));
            }
            Interlocked.Add(ref Counters._doneBytes, batch[i].Length);
            Interlocked.Increment(ref Counters._done);
        }
    }

    private async Task<(bool Stored, string? Reason, bool Duplicate)[]> PostWithRetriesAsync(List<ImportFile> batch, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            string failure;
            TimeSpan? retryAfter = null;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, _studies)
                {
                    Content = new StowRequestContent(batch, n => Interlocked.Add(ref Counters._sentBytes, n)),
                };
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/dicom+json"));
                if (_options.Token != null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.Token);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(_options.Timeout);
                using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
                var status = (int)response.StatusCode;
                var body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
                if (status is 200 or 202 or 409 && ResponseModule.TryRead(body, out var module)) return module.Assign(batch);
                failure = $"HTTP {status} {response.ReasonPhrase}{ResponseModule.Detail(body)}";
                if (status < 500 && status is not (408 or 429)) return Fail(batch, failure);
                retryAfter = RetryAfter(response);
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                failure = e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failure = $"no answer within {_options.Timeout.TotalSeconds:0} s";
            }
            if (attempt >= _options.Retries) return Fail(batch, attempt > 0 ? $"{failure} (after {attempt + 1} attempts)" : failure);
            Interlocked.Increment(ref Counters._retries);
            await Task.Delay(retryAfter ?? Backoff(attempt), cancellationToken);
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var delay = _options.RetryDelay * Math.Pow(2, attempt) * (0.75 + Random.Shared.NextDouble() / 2);
        return delay < MaxRetryDelay ? delay : MaxRetryDelay;
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        var delay = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        if (delay == null) return null;
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay > MaxRetryDelay ? MaxRetryDelay : delay;
    }

    private static (bool, string?, bool)[] Fail(List<ImportFile> batch, string reason) => batch.Select(_ => (false, (string?)reason, false)).ToArray();

    /// <summary>The parts of a Store Instances Response Module the importer needs.</summary>
    private sealed record ResponseModule(List<string?> Stored, List<(string? Uid, int Reason, string? Comment)> Failed)
    {
        private const int DuplicateSopInstance = 0x0111;

        public static bool TryRead(byte[] body, out ResponseModule module)
        {
            module = new ResponseModule([], []);
            try
            {
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.ValueKind != JsonValueKind.Object) return false;
                foreach (var item in Items(document.RootElement, "00081199")) module.Stored.Add(First(item, "00081155")?.GetString());
                foreach (var item in Items(document.RootElement, "00081198"))
                    module.Failed.Add((First(item, "00081155")?.GetString(), First(item, "00081197")?.GetInt32() ?? 0, First(item, "00000902")?.GetString()));
                return true;
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
            {
                return false;
            }
        }

        /// <summary>A problem's detail (or the start of a text body) to show after the status.</summary>
        public static string Detail(byte[] body)
        {
            if (body.Length == 0) return "";
            try
            {
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("detail", out var detail))
                    return ": " + detail.GetString();
            }
            catch (JsonException)
            {
            }
            var text = System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 200)).ReplaceLineEndings(" ").Trim();
            return text.Length > 0 ? ": " + text : "";
        }

        /// <summary>
        /// Ties outcomes to files: by SOP Instance UID first, then by the "part N" the server names in a failure's
        /// comment, then in order. Files the response does not account for count as failed.
        /// </summary>
        public (bool, string?, bool)[] Assign(List<ImportFile> batch)
        {
            var outcomes = new (bool Stored, string? Reason, bool Duplicate)?[batch.Count];
            var storedLeft = 0;
            foreach (var uid in Stored)
            {
                var index = Find(batch, outcomes, f => uid != null && f.SopInstanceUid == uid);
                if (index >= 0) outcomes[index] = (true, null, false);
                else storedLeft++;
            }
            var failedLeft = new Queue<(bool, string?, bool)>();
            foreach (var (uid, reason, comment) in Failed)
            {
                var outcome = (false, (string?)$"0x{reason:X4} {comment}".TrimEnd(), reason == DuplicateSopInstance);
                var index = Find(batch, outcomes, f => uid is { Length: > 0 } && f.SopInstanceUid == uid);
                if (index < 0 && PartNumber(comment) is { } part && part <= batch.Count && outcomes[part - 1] == null) index = part - 1;
                if (index >= 0) outcomes[index] = outcome;
                else failedLeft.Enqueue(outcome);
            }
            var result = new (bool, string?, bool)[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                if (outcomes[i] is { } known) result[i] = known;
                else if (failedLeft.TryDequeue(out var failed)) result[i] = failed;
                else if (storedLeft-- > 0) result[i] = (true, null, false);
                else result[i] = (false, "the server reported no outcome for this file", false);
            }
            return result;
        }

        private static int Find(List<ImportFile> batch, (bool, string?, bool)?[] outcomes, Func<ImportFile, bool> match)
        {
            for (var i = 0; i < batch.Count; i++)
                if (outcomes[i] == null && match(batch[i])) return i;
            return -1;
        }

        private static int? PartNumber(string? comment)
        {
            if (comment == null || !comment.StartsWith("part ", StringComparison.Ordinal)) return null;
            var digits = new string(comment.AsSpan(5).ToArray().TakeWhile(char.IsAsciiDigit).ToArray());
            return int.TryParse(digits, out var number) && number > 0 ? number : null;
        }

        private static IEnumerable<JsonElement> Items(JsonElement root, string tag) =>
            root.TryGetProperty(tag, out var sequence) && sequence.ValueKind == JsonValueKind.Object &&
            sequence.TryGetProperty("Value", out var items) && items.ValueKind == JsonValueKind.Array
                ? items.EnumerateArray().ToList()
                : [];

        private static JsonElement? First(JsonElement item, string tag) =>
            item.ValueKind == JsonValueKind.Object && item.TryGetProperty(tag, out var attribute) && attribute.ValueKind == JsonValueKind.Object &&
            attribute.TryGetProperty("Value", out var values) && values.ValueKind == JsonValueKind.Array && values.GetArrayLength() > 0
                ? values[0]
                : null;
    }
}
