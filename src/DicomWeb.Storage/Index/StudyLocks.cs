using System.IO.Hashing;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace DicomWeb.Storage.Index;

/// <summary>
/// PostgreSQL advisory locks that keep a deletion from racing stores into the same patient or study. A store group
/// takes shared locks on the patients and studies of its instances before it looks anything up; a deletion takes its
/// study's and patient's locks exclusively before it reads what to delete. Without them, a deletion that empties a
/// series deletes it with a statement whose snapshot misses an instance committed meanwhile into that series, and the
/// cascade takes that acknowledged instance with it. Every transaction takes its locks in ascending key order, so
/// none waits for a lock while holding one that its waiter needs: no deadlock. SQLite needs none: its writers are
/// serialized by <see cref="IndexWriteLock"/>.
/// </summary>
internal static class StudyLocks
{
    /// <summary>Takes a shared transaction-level advisory lock on key @p0.</summary>
    public const string SharedStatement = "SELECT pg_advisory_xact_lock_shared(@p0)";

    /// <summary>True when the index needs these locks (PostgreSQL).</summary>
    public static bool Needed(DbContext db) => db.Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL";

    /// <summary>The lock keys of a patient (by its identity) and a study (by its UID), ascending and distinct.</summary>
    public static long[] Keys(IEnumerable<(string PatientKey, string StudyUid)> subjects) =>
        subjects.SelectMany(s => new[] { Key("patient", s.PatientKey), Key("study", s.StudyUid) }).Distinct().Order().ToArray();

    /// <summary>Takes exclusive transaction-level locks on <paramref name="keys"/>, in the given (ascending) order.</summary>
    public static async Task LockExclusiveAsync(DbContext db, IEnumerable<long> keys, CancellationToken cancellationToken)
    {
        foreach (var key in keys)
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({key})", cancellationToken);
    }

    private static long Key(string kind, string value) => unchecked((long)XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(kind + "\n" + value)));
}
