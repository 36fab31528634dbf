using System.Text.Json;

namespace DicomWeb.Storage.Ingest;

/// <summary>
/// Makes a store all-or-nothing across blob store and index: before blobs are moved into place a journal
/// entry names them; after the index commit it is deleted. An entry found at start-up belongs to a store
/// that died in between: its blobs are kept if the index points at them, deleted otherwise.
/// </summary>
public sealed class CommitJournal
{
    /// <summary>Creates the journal folder under <paramref name="dataPath"/>.</summary>
    public CommitJournal(string dataPath)
    {
        Folder = Path.Combine(dataPath, "journal");
        Directory.CreateDirectory(Folder);
    }

    /// <summary>The journal folder.</summary>
    public string Folder { get; }

    /// <summary>Records that <paramref name="blobKeys"/> are about to be written; returns the entry to pass to <see cref="Complete"/>.</summary>
    public string Begin(IReadOnlyList<string> blobKeys)
    {
        var path = Path.Combine(Folder, Guid.NewGuid().ToString("N") + ".json");
        var temporary = path + ".tmp";
        // Not fsynced: after a power loss a lost entry only leaves unreferenced blobs, never a visible half-store.
        using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            JsonSerializer.Serialize(file, blobKeys);
        File.Move(temporary, path);
        return path;
    }

    /// <summary>Removes an entry once the index commit succeeded or its blobs were deleted.</summary>
    public void Complete(string entry) => File.Delete(entry);

    /// <summary>Entries left by stores that never completed, with the blob keys each names.</summary>
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
    }
}
