using System.Text;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace DicomWeb.Storage.Ingest;

/// <summary>
/// Makes a store all-or-nothing across blob store and index: before blobs are moved into place a journal
/// entry names them; after the index commit the entry is marked done. An entry found open at start-up belongs to a
/// store that died in between: its blobs are kept if the index points at them, deleted otherwise.
/// </summary>
/// <remarks>
/// Entries are lines appended to one log file per process run ("+ id keys" when begun, "- id" when done), so a
/// store costs two small writes instead of creating and deleting a file (file creation is the slow part on busy
/// file systems). Each line is one write: a kill cannot leave half a line, and a line torn by a power loss is
/// ignored (its blobs had not moved yet, or the entry is only lost, which leaves unreferenced blobs, never a
/// visible half-store). Not fsynced, for the same reason. A log whose entries are all done is deleted.
/// </remarks>
public sealed class CommitJournal : IDisposable
{
    /// <summary>The log is rewritten with only its open entries once it grows past this size.</summary>
    private const long RotateSize = 4 * 1024 * 1024;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, byte[]> _open = [];
    private readonly Dictionary<string, (string Log, IReadOnlyList<string> Keys)> _recovered = [];
    private readonly Dictionary<string, int> _recoveredOpenCounts = [];
    private SafeFileHandle? _log;
    private string? _logPath;
    private long _length;

    /// <summary>Creates the journal folder under <paramref name="dataPath"/> and reads the logs of earlier runs.</summary>
    public CommitJournal(string dataPath)
    {
        Folder = Path.Combine(dataPath, "journal");
        Directory.CreateDirectory(Folder);
        foreach (var log in Directory.EnumerateFiles(Folder, "*.log"))
        {
            var open = ReadOpenEntries(log);
            _recoveredOpenCounts[log] = open.Count;
            foreach (var (id, keys) in open) _recovered[id] = (log, keys);
        }
    }

    /// <summary>The journal folder.</summary>
    public string Folder { get; }

    /// <summary>How many entries of this run are begun and not yet completed.</summary>
    public int OpenEntries
    {
        get
        {
            lock (_lock) return _open.Count;
        }
    }

    /// <summary>Records that <paramref name="blobKeys"/> are about to be written; returns the entry to pass to <see cref="Complete"/>.</summary>
    public string Begin(IReadOnlyList<string> blobKeys)
    {
        var id = Guid.NewGuid().ToString("N");
        var line = Encoding.UTF8.GetBytes($"+ {id} {JsonSerializer.Serialize(blobKeys)}\n");
        lock (_lock)
        {
            if (_log == null || _length > RotateSize) Rotate();
            Append(line);
            _open[id] = line;
        }
        return id;
    }

    /// <summary>Marks an entry done once the index commit succeeded or its blobs were deleted.</summary>
    public void Complete(string entry)
    {
        // Entries of the earlier one-file-per-entry journal are file paths.
        if (entry.Contains(Path.DirectorySeparatorChar))
        {
            File.Delete(entry);
            return;
        }
        lock (_lock)
        {
            if (_recovered.Remove(entry, out var recovered))
            {
                if (--_recoveredOpenCounts[recovered.Log] == 0)
                {
                    File.Delete(recovered.Log);
                    _recoveredOpenCounts.Remove(recovered.Log);
                }
                return;
            }
            if (_open.Remove(entry)) Append(Encoding.UTF8.GetBytes($"- {entry}\n"));
        }
    }

    /// <summary>Entries left open by stores of earlier runs that never completed, with the blob keys each names.</summary>
    public IEnumerable<(string Entry, IReadOnlyList<string> BlobKeys)> Pending()
    {
        foreach (var temporary in Directory.EnumerateFiles(Folder, "*.tmp")) File.Delete(temporary);
        foreach (var entry in Directory.EnumerateFiles(Folder, "*.json"))
        {
            IReadOnlyList<string> keys;
            try
            {
                keys = JsonSerializer.Deserialize<List<string>>(File.ReadAllBytes(entry)) ?? [];
            }
            catch (JsonException)
            {
                keys = [];
            }
            yield return (entry, keys);
        }
        List<(string Id, IReadOnlyList<string> Keys)> open;
        lock (_lock)
        {
            foreach (var (log, count) in _recoveredOpenCounts.Where(c => c.Value == 0).ToList())
            {
                File.Delete(log);
                _recoveredOpenCounts.Remove(log);
            }
            open = _recovered.Select(r => (r.Key, r.Value.Keys)).ToList();
        }
        foreach (var entry in open) yield return entry;
    }

    /// <summary>Closes this run's log, deleting it when no entry is open.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _log?.Dispose();
            _log = null;
            if (_logPath != null && _open.Count == 0) File.Delete(_logPath);
        }
    }

    /// <summary>Starts a new log holding the open entries, then drops the old one.</summary>
    private void Rotate()
    {
        var old = _logPath;
        _log?.Dispose();
        _logPath = Path.Combine(Folder, Guid.NewGuid().ToString("N") + ".log");
        _log = File.OpenHandle(_logPath, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        _length = 0;
        foreach (var line in _open.Values) Append(line);
        if (old != null) File.Delete(old);
    }

    private void Append(byte[] line)
    {
        RandomAccess.Write(_log!, line, _length);
        _length += line.Length;
    }

    private static Dictionary<string, IReadOnlyList<string>> ReadOpenEntries(string log)
    {
        var open = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var line in File.ReadLines(log))
        {
            var parts = line.Split(' ', 3);
            if (parts.Length == 3 && parts[0] == "+")
            {
                try
                {
                    open[parts[1]] = JsonSerializer.Deserialize<List<string>>(parts[2]) ?? [];
                }
                catch (JsonException)
                {
                    // Torn by a power loss: the store had not moved its blobs yet.
                }
            }
            else if (parts.Length == 2 && parts[0] == "-") open.Remove(parts[1]);
        }
        return open;
    }
}
