namespace TestPlugins.Isolation;

/// <summary>A dependency two plugins use in different versions; each must see its own.</summary>
public static class DependencyInfo
{
#if DEPENDENCY_V2
    public static string Describe() => "isolation-dependency v2";
#else
    public static string Describe() => "isolation-dependency v1";
#endif
}
