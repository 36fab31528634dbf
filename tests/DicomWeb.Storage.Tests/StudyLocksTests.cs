using DicomWeb.Storage.Deletion;
using Microsoft.EntityFrameworkCore;

namespace DicomWeb.Storage.Tests;

/// <summary>
/// The index on PostgreSQL, where writers are not serialized: stores and deletions of the same study meet, and
/// <c>StudyLocks</c> keeps either from losing the other's work.
/// </summary>
public sealed class StudyLocksTests
{
    private const string Study = "1.2.826.0.1.3680043.2.1125.20";
    private const string Series = "1.2.826.0.1.3680043.2.1125.20.1";

    [PostgresFact]
    public async Task Stores_duplicates_and_deletions_work_on_PostgreSQL()
    {
        await using var storage = await StorageHarness.StartOnPostgresAsync();
        var instances = Enumerable.Range(1, 3).Select(i => Variant($"{Series}.{i}")).ToArray();
        foreach (var bytes in instances) Assert.True((await storage.Store.StoreAsync(new MemoryStream(bytes), null)).Stored);

        var again = await storage.Store.StoreAsync(new MemoryStream(instances[0]), null);
        var changed = await storage.Store.StoreAsync(new MemoryStream(Variant($"{Series}.1", "CHANGED")), null);
        var deleted = await storage.Deletion.DeleteAsync(Study, Series, $"{Series}.2");

        Assert.Contains(again.Warnings, w => w.Contains("already stored"));
        Assert.Equal(Ingest.StoreFailureReason.DuplicateSopInstance, changed.FailureReason);
        Assert.Equal(DeletionStatus.Deleted, deleted.Status);
        await using var index = storage.OpenIndex();
        Assert.Equal([$"{Series}.1", $"{Series}.3"], await index.Instances.Select(i => i.SopInstanceUid).OrderBy(u => u).ToListAsync());
        Assert.Equal(4, storage.BlobFiles().Length);
    }

    [PostgresFact]
    public async Task Deleting_the_last_instance_of_a_series_while_another_is_stored_into_it_keeps_the_new_one()
    {
        await using var storage = await StorageHarness.StartOnPostgresAsync();
        var first = $"{Series}.1";
        var second = $"{Series}.2";
        Assert.True((await storage.Store.StoreAsync(new MemoryStream(Variant(first)), null)).Stored);
        var written = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        storage.Store.Commits.AfterRowsWritten = async rows =>
        {
            if (rows.Instance.SopInstanceUid != second) return;
            written.TrySetResult();
            await release.Task;
        };

        // The second instance's row is written into the series and its transaction still open when the first
        // instance, the only one the deletion can see, is deleted: the series looks empty to the deletion.
        var store = Task.Run(() => storage.Store.StoreAsync(new MemoryStream(Variant(second)), null));
        await written.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var deletion = Task.Run(() => storage.Deletion.DeleteAsync(Study, Series, first));
        // Not a timing: a deletion that did not wait for the store would be done long before this gives up.
        await Task.WhenAny(deletion, Task.Delay(TimeSpan.FromSeconds(1)));
        Assert.False(deletion.IsCompleted);
        release.SetResult();

        Assert.True((await store).Stored);
        Assert.Equal(DeletionStatus.Deleted, (await deletion).Status);
        await using var index = storage.OpenIndex();
        Assert.Equal([second], await index.Instances.Select(i => i.SopInstanceUid).ToListAsync());
        Assert.Equal([Series], await index.Series.Select(s => s.SeriesInstanceUid).ToListAsync());
        Assert.Equal(2, storage.BlobFiles().Length);
    }

    private static byte[] Variant(string sop, string? description = null) => CtVariants.Make(sop, description, Study, Series);
}
