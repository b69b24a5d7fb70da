global using Mostlyucid.LlmBackend.Configuration;
global using MyCompany.LlmBackend.MistralPlugin;
