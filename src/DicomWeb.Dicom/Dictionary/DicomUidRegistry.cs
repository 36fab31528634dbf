using System.Collections.Frozen;
using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;

namespace DicomWeb.Dicom;

/// <summary>The kind of a registered UID (the "UID Type" column of PS3.6 Table A-1).</summary>
public enum DicomUidType
{
    /// <summary>A transfer syntax.</summary>
    TransferSyntax,
    /// <summary>A SOP class.</summary>
    SopClass,
    /// <summary>A meta SOP class.</summary>
    MetaSopClass,
    /// <summary>A well-known SOP instance (including the printer and print queue instances).</summary>
    WellKnownSopInstance,
    /// <summary>A well-known frame of reference.</summary>
    WellKnownFrameOfReference,
    /// <summary>A coding scheme (including "DICOM UIDs as a Coding Scheme").</summary>
    CodingScheme,
    /// <summary>An application context name.</summary>
    ApplicationContextName,
    /// <summary>A service class.</summary>
    ServiceClass,
    /// <summary>An application hosting model.</summary>
    ApplicationHostingModel,
    /// <summary>A mapping resource.</summary>
    MappingResource,
    /// <summary>An LDAP OID.</summary>
    LdapOid,
    /// <summary>A synchronization frame of reference.</summary>
    SynchronizationFrameOfReference,
    /// <summary>Any other type.</summary>
    Other,
}

/// <summary>One registered UID.</summary>
/// <param name="Uid">The UID.</param>
/// <param name="Name">The UID name, e.g. "CT Image Storage".</param>
/// <param name="Keyword">The keyword, e.g. "CTImageStorage" (empty when the standard gives none).</param>
/// <param name="Type">The UID type.</param>
/// <param name="IsRetired">True when the UID is retired.</param>
public sealed record DicomUidEntry(string Uid, string Name, string Keyword, DicomUidType Type, bool IsRetired);

/// <summary>The registry of DICOM UIDs (PS3.6 Annex A), retired ones included; generated from the standard's table.</summary>
public static partial class DicomUidRegistry
{
    private static readonly FrozenDictionary<string, DicomUidEntry> s_byUid;
    private static readonly FrozenDictionary<string, DicomUidEntry>.AlternateLookup<ReadOnlySpan<char>> s_byUidSpan;
    private static readonly ReadOnlyCollection<DicomUidEntry> s_all;

#pragma warning disable CA1810 // both tables come out of one parse of the generated text.
    static DicomUidRegistry()
#pragma warning restore CA1810
    {
        var all = new List<DicomUidEntry>(512);
        var byUid = new Dictionary<string, DicomUidEntry>(512, StringComparer.Ordinal);
        foreach (var line in UidTable.AsSpan().EnumerateLines())
        {
            if (line.IsEmpty) continue;
            var rest = line;
            var uid = NextField(ref rest).ToString();
            var type = ParseType(NextField(ref rest));
            var retired = NextField(ref rest).Length != 0;
            var keyword = NextField(ref rest);
            var entry = new DicomUidEntry(uid, rest.ToString(), keyword.IsEmpty ? string.Empty : keyword.ToString(), type, retired);
            all.Add(entry);
            byUid.Add(uid, entry);
        }
        s_byUid = byUid.ToFrozenDictionary(StringComparer.Ordinal);
        s_byUidSpan = s_byUid.GetAlternateLookup<ReadOnlySpan<char>>();
        s_all = all.AsReadOnly();
    }

    /// <summary>Every registered UID, in UID order.</summary>
    public static IReadOnlyCollection<DicomUidEntry> All => s_all;

    /// <summary>Finds a registered UID (exact match; trailing NUL or space padding is ignored).</summary>
    public static bool TryGet(string uid, [MaybeNullWhen(false)] out DicomUidEntry entry)
    {
        ArgumentNullException.ThrowIfNull(uid);
        return s_byUid.TryGetValue(uid, out entry) || TryGet(uid.AsSpan(), out entry);
    }

    /// <summary>Finds a registered UID without allocating (trailing NUL or space padding is ignored).</summary>
    public static bool TryGet(ReadOnlySpan<char> uid, [MaybeNullWhen(false)] out DicomUidEntry entry) =>
        s_byUidSpan.TryGetValue(uid.TrimEnd("\0 "), out entry);

    /// <summary>The registered name of a UID, or null when it is not registered.</summary>
    public static string? GetName(string uid) => TryGet(uid, out var entry) ? entry.Name : null;

    private static ReadOnlySpan<char> NextField(ref ReadOnlySpan<char> rest)
    {
        var bar = rest.IndexOf('|');
        if (bar < 0) throw new InvalidOperationException("Malformed generated UID line.");
        var field = rest[..bar];
        rest = rest[(bar + 1)..];
        return field;
    }

    private static DicomUidType ParseType(ReadOnlySpan<char> text)
    {
        if (Is(text, "Transfer Syntax")) return DicomUidType.TransferSyntax;
        if (Is(text, "SOP Class")) return DicomUidType.SopClass;
        if (Is(text, "Meta SOP Class")) return DicomUidType.MetaSopClass;
        if (text.StartsWith("Well-known", StringComparison.OrdinalIgnoreCase))
        {
            if (text.EndsWith("SOP Instance", StringComparison.OrdinalIgnoreCase)) return DicomUidType.WellKnownSopInstance;
            if (text.EndsWith("Frame of Reference", StringComparison.OrdinalIgnoreCase)) return DicomUidType.WellKnownFrameOfReference;
        }
        if (text.EndsWith("Coding Scheme", StringComparison.OrdinalIgnoreCase)) return DicomUidType.CodingScheme;
        if (Is(text, "Application Context Name")) return DicomUidType.ApplicationContextName;
        if (Is(text, "Service Class")) return DicomUidType.ServiceClass;
        if (Is(text, "Application Hosting Model")) return DicomUidType.ApplicationHostingModel;
        if (Is(text, "Mapping Resource")) return DicomUidType.MappingResource;
        if (Is(text, "LDAP OID")) return DicomUidType.LdapOid;
        if (Is(text, "Synchronization Frame of Reference")) return DicomUidType.SynchronizationFrameOfReference;
        return DicomUidType.Other;

        static bool Is(ReadOnlySpan<char> text, string value) => text.Equals(value, StringComparison.OrdinalIgnoreCase);
    }
}
